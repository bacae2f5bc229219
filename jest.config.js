// One jest run for the whole workspace: TypeScript through swc, native ESM.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    // openapi-backend (CommonJS) requires @apidevtools/json-schema-ref-parser, which ships only ESM. Node 22
    // can require() ESM, but jest's module registry only from Node 24.9, so jest gets that one package
    // compiled to CommonJS (and transformIgnorePatterns lets it through).
    '/@apidevtools/json-schema-ref-parser/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }],
  },
  // Sources import siblings as './x.js' (NodeNext); jest resolves those to the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/{packages,functions,infra}/*/{src,test}/**/*.test.ts', '<rootDir>/infra/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  transformIgnorePatterns: ['/node_modules/(?!\\.pnpm/@apidevtools\\+json-schema-ref-parser@|@apidevtools/json-schema-ref-parser/)'],
  testTimeout: 60000,
};
