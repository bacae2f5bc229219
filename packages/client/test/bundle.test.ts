import { expect, it } from '@jest/globals';
import { build } from 'esbuild';

/**
 * The client is for callers of the API, not for the service: what it loads must not include the AWS
 * SDK that the store carries, which the contract avoids by importing only `@echo-ridge/store/schemas`.
 */
it('bundles without any AWS SDK module', async () => {
  const { metafile } = await build({
    entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(metafile.inputs);
  expect(inputs.some((path) => path.includes('packages/contract/src/'))).toBe(true);
  expect(inputs.filter((path) => path.includes('@aws-sdk') || path.includes('@smithy'))).toEqual([]);
});
