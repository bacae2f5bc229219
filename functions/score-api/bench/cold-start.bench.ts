/**
 * Cold start of the score API as the stack deploys it: the handler bundled by esbuild with the
 * stack's settings (ESM, node22, minified, source map, AWS SDK inside), then the bundle's size and
 * the time a fresh Node process takes to import it, which is the function's INIT phase.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const REPO = new URL('../../../', import.meta.url);
const RUNS = 15;

const outDir = await mkdtemp(join(tmpdir(), 'echo-ridge-score-api-'));
const BUNDLE = join(outDir, 'handler.mjs');
await build({
  entryPoints: [fileURLToPath(new URL('../src/handler.ts', import.meta.url))],
  outfile: BUNDLE,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});
const bytes = (await stat(BUNDLE)).size;

// The child prints how long the import took, measured inside it so that Node's own start is excluded.
const probe = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(BUNDLE).href)}); console.log(performance.now() - t);`;
const env = {
  ...process.env,
  TABLE_NAME: 'echo-ridge-scores',
  AWS_REGION: 'us-east-1',
  WEIGHTS_CONFIG_PATH: fileURLToPath(new URL('weights.yaml', REPO)),
  NODE_OPTIONS: '--enable-source-maps',
  NODE_NO_WARNINGS: '1',
};
const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`importing the bundle failed:\n${child.stderr}`);
  times.push(Number(child.stdout.trim()));
}
await rm(outDir, { recursive: true });
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);

console.log(`score-api cold start (esbuild bundle as the stack builds it; Node ${process.version} here, nodejs22.x on Lambda)`);
console.log(`  bundle size            ${(bytes / 1024).toFixed(0)} KiB (${bytes} bytes; target < 1 MiB)`);
console.log(`  module init, ${RUNS} fresh processes: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${times[times.length - 1]!.toFixed(1)} ms (target < 150 ms)`);
