import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Where synthesized templates are kept, by the hash of what they were synthesized from. */
export const DEFAULT_TEMPLATE_CACHE = join(REPO_ROOT, '.local', 'stack');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]))));
  return nested.flat().sort();
}

/** What a synth reads besides the packages: the infra code, its runbook, and cdk.json's feature flags. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...(await filesUnder(join(REPO_ROOT, 'infra', 'lib'))), join(REPO_ROOT, 'cdk.json'), join(REPO_ROOT, 'infra', 'package.json')]) {
    hash.update(relative(REPO_ROOT, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** `synthesizeStage` in a worker thread: a synth takes tens of seconds, which the runtime's thread must not spend. */
function synthesizeInWorker(stage: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./synth-worker.js', import.meta.url), { workerData: { stage } });
    worker.once('message', (template: unknown) => resolve(template));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the synth of ${stage} exited (code ${code}) without a template`)));
  });
}

/**
 * The stage's CloudFormation template as `cdk synth` makes it from this checkout (offline, without
 * bundling the functions), from the cache when infra has not changed since the last synth.
 */
export async function stackTemplate(stage: string, cacheDir = DEFAULT_TEMPLATE_CACHE): Promise<unknown> {
  const file = join(cacheDir, `${stage}-${await sourceHash()}.template.json`);
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const template = await synthesizeInWorker(stage);
  await mkdir(cacheDir, { recursive: true });
  // Written whole, then renamed: a second runtime never reads half a template.
  await writeFile(`${file}.${process.pid}.tmp`, JSON.stringify(template));
  await rename(`${file}.${process.pid}.tmp`, file);
  return template;
}
