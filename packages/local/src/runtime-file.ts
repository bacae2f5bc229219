import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as v from 'valibot';
import { DEFAULT_TABLE_NAME, type Runtime } from './runtime.js';

/** Where `pnpm start` says what it runs, so that `echo-ridge context` finds the emulators without asking. */
export const DEFAULT_RUNTIME_FILE = '.local/runtime.json';

const url = v.pipe(v.string(), v.url());

export const RuntimeFactsSchema = v.object({
  pid: v.number(),
  api_url: url,
  dynamodb_endpoint: url,
  s3_endpoint: url,
  table: v.string(),
  bucket: v.string(),
  /** The local dashboard (`pnpm start` serves it); `alarms.json` under it. */
  dashboard_url: v.optional(url),
});
export type RuntimeFacts = v.InferOutput<typeof RuntimeFactsSchema>;

export function runtimeFacts(runtime: Runtime): RuntimeFacts {
  return {
    pid: process.pid,
    api_url: runtime.url,
    dynamodb_endpoint: runtime.dynamoDb.endpoint,
    s3_endpoint: runtime.batch.fauxqs.endpoint,
    table: DEFAULT_TABLE_NAME,
    bucket: runtime.batch.bucket,
    ...(runtime.observability && { dashboard_url: runtime.observability.url }),
  };
}

export async function writeRuntimeFile(file: string, facts: RuntimeFacts): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(facts, null, 2)}\n`);
}

export const removeRuntimeFile = (file: string) => rm(file, { force: true });

export class RuntimeFileError extends Error {
  override readonly name = 'RuntimeFileError';
}

/** The facts of the running local runtime; refused when there is none, or when the one that wrote them has gone. */
export async function readRuntimeFile(file: string): Promise<RuntimeFacts> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new RuntimeFileError(`no local runtime is running (${file} does not exist): start one with \`pnpm start\`, or pass --stage`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    document = undefined;
  }
  const parsed = v.safeParse(RuntimeFactsSchema, document);
  if (!parsed.success) throw new RuntimeFileError(`${file} is not what \`pnpm start\` writes: stop the runtime, delete the file and start it again`);
  if (!isRunning(parsed.output.pid)) throw new RuntimeFileError(`the local runtime that wrote ${file} (pid ${parsed.output.pid}) is gone: start one with \`pnpm start\``);
  return parsed.output;
}

function isRunning(pid: number): boolean {
  try {
    // Signal 0 checks that the process exists without touching it.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
