import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AssetManifestArtifact } from 'aws-cdk-lib/cx-api';
import { SERVICES, serviceFunction, synthesize, type Synthesized } from './synth.js';

/**
 * The one synth that bundles for real (the other tests skip esbuild to stay fast): what `cdk deploy`
 * uploads is checked here, for every function.
 */
describe('function bundles', () => {
  let synth: Synthesized;
  let assetDirs: Map<string, string>;
  beforeAll(() => {
    synth = synthesize('staging', { bundle: true });
    const manifest = synth.assembly.getStackArtifact(synth.stack.artifactId).dependencies.find((artifact) => artifact instanceof AssetManifestArtifact);
    if (!(manifest instanceof AssetManifestArtifact)) throw new Error('the stack has no asset manifest');
    const { files } = JSON.parse(readFileSync(manifest.file, 'utf8')) as { files: Record<string, { source: { path: string } }> };
    assetDirs = new Map(Object.entries(files).map(([hash, file]) => [`${hash}.zip`, join(synth.assembly.directory, file.source.path)]));
  }, 180_000);
  // The bundles are megabytes; the other tests' placeholder assemblies are small enough to leave to the OS.
  afterAll(() => rmSync(synth.assembly.directory, { recursive: true, force: true }));

  const bundleOf = (service: (typeof SERVICES)[number]) => {
    const { props } = serviceFunction(synth.template, 'staging', service);
    const dir = assetDirs.get((props.Code as { S3Key: string }).S3Key);
    if (dir === undefined) throw new Error(`no asset for ${service}`);
    return dir;
  };

  it.each(SERVICES)('%s ships a minified ESM index.mjs that exports the handler, with its source map', (service) => {
    const code = readFileSync(join(bundleOf(service), 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    // Minified: what line breaks remain sit in template literals and licence comments, not between statements.
    expect(code.length / code.split('\n').length).toBeGreaterThan(200);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    const map = JSON.parse(readFileSync(join(bundleOf(service), 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.some((source) => source.endsWith(`functions/${service}/src/handler.ts`))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  it.each(SERVICES)('%s ships the repository weights.yaml where WEIGHTS_CONFIG_PATH points', (service) => {
    const weights = readFileSync(new URL('../../weights.yaml', import.meta.url), 'utf8');
    expect(readFileSync(join(bundleOf(service), 'weights.yaml'), 'utf8')).toBe(weights);
    const { props } = serviceFunction(synth.template, 'staging', service);
    expect((props.Environment as { Variables: Record<string, string> }).Variables.WEIGHTS_CONFIG_PATH).toBe('/var/task/weights.yaml');
  });
});
