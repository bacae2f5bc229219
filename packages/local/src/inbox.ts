import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { batchIdFor } from '@echo-ridge/batch';
import { DEV_TENANT, inputKey, type BatchRun } from '@echo-ridge/store';

/**
 * The local drop folder: a JSONL file that lands in the inbox is uploaded to the dev tenant's folder,
 * incoming/dev/, as a user would upload it, and once its batch has ended its results and errors are copied to the outbox as
 * `<name>.results.jsonl` and `<name>.errors.jsonl` (the errors file always, empty when every line
 * was scored), with a one-line summary. An outbox file appears only whole: each is written under a
 * hidden temporary name in the outbox and renamed (atomic within one file system), and the summary is
 * printed once both are in place, so a script that waits for a file never reads half of it.
 */

export interface InboxOptions {
  inboxDir: string;
  outboxDir: string;
  s3: S3Client;
  bucket: string;
  /** Reads a batch record (the store's). */
  getBatch: (batchId: string) => Promise<BatchRun | undefined>;
  /** Receives the summary line of each finished file and any failure. */
  log: (line: string) => void;
  intervalMs?: number;
}

export interface Inbox {
  /** The batch of each file finished so far, by file name. */
  readonly finished: Map<string, BatchRun>;
  stop(): Promise<void>;
}

/** A file is taken once it has kept its size and modification time over one interval: a copy in progress is left alone. */
export function settledFiles(previous: ReadonlyMap<string, string>, current: ReadonlyMap<string, string>, taken: ReadonlyMap<string, string>): string[] {
  return [...current].filter(([name, signature]) => previous.get(name) === signature && taken.get(name) !== signature).map(([name]) => name);
}

export function outboxNames(file: string): { results: string; errors: string } {
  const name = basename(file, '.jsonl');
  return { results: `${name}.results.jsonl`, errors: `${name}.errors.jsonl` };
}

export function summaryLine(file: string, run: BatchRun): string {
  const seconds = run.started_at && run.completed_at ? ((Date.parse(run.completed_at) - Date.parse(run.started_at)) / 1000).toFixed(2) : '0.00';
  const counts = `${run.total} lines, ${run.successful} scored, ${run.failed} failed in ${seconds} s`;
  return run.status === 'failed' ? `${file}: batch ${run.batch_id} FAILED (${run.failure_reason ?? 'no reason recorded'}); ${counts}` : `${file}: batch ${run.batch_id} ${counts}`;
}

const ENDED = new Set(['completed', 'failed']);

export async function startInbox(options: InboxOptions): Promise<Inbox> {
  const { inboxDir, outboxDir, s3, bucket, getBatch, log, intervalMs = 250 } = options;
  await mkdir(inboxDir, { recursive: true });
  await mkdir(outboxDir, { recursive: true });
  let running = true;
  let previous = new Map<string, string>();
  const taken = new Map<string, string>();
  const finished = new Map<string, BatchRun>();
  const inFlight = new Set<Promise<void>>();
  const pause = () => new Promise((resolve) => setTimeout(resolve, intervalMs));

  async function listing(): Promise<Map<string, string>> {
    const names = (await readdir(inboxDir)).filter((name) => name.endsWith('.jsonl') && !name.startsWith('.'));
    const entries = await Promise.all(names.map(async (name) => [name, await stat(join(inboxDir, name)).then((s) => `${s.size}:${s.mtimeMs}`, () => '')] as const));
    return new Map(entries.filter(([, signature]) => signature !== ''));
  }

  async function upload(name: string): Promise<string> {
    const key = inputKey(DEV_TENANT, basename(name, '.jsonl'));
    const result = await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: createReadStream(join(inboxDir, name)), ContentType: 'application/x-ndjson' } }).done();
    return batchIdFor({ bucket, key, etag: result.ETag ?? '' });
  }

  /**
   * Asks for the batch until it has ended. A read that fails (DynamoDB Local too busy to answer in time,
   * or down for a moment) does not end the wait: the pipeline retries its own work, and giving up here
   * would report a batch that is still running as lost. The first failure of a run of them is said once.
   */
  async function waitForEnd(name: string, batchId: string): Promise<BatchRun | undefined> {
    let unanswered = false;
    while (running) {
      try {
        const run = await getBatch(batchId);
        unanswered = false;
        if (run && ENDED.has(run.status)) return run;
      } catch (error) {
        if (!unanswered) log(`inbox/${name}: batch ${batchId} could not be read (${(error as Error).message}); asking again`);
        unanswered = true;
      }
      await pause();
    }
    return undefined;
  }

  /** Downloads an output to a hidden temporary file beside its final name, and returns that file. */
  async function download(key: string, target: string): Promise<string> {
    const partial = join(outboxDir, `.${basename(target)}.${randomUUID()}.partial`);
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      await pipeline(object.Body as Readable, createWriteStream(partial));
    } catch (error) {
      // A batch that failed before scoring has no outputs; its outbox files are empty.
      if ((error as Error).name !== 'NoSuchKey') {
        await rm(partial, { force: true });
        throw error;
      }
      await writeFile(partial, '');
    }
    return partial;
  }

  async function handle(name: string): Promise<void> {
    const batchId = await upload(name);
    const run = await waitForEnd(name, batchId);
    if (!run) return;
    const outputs = outboxNames(name);
    const targets = [
      [run.results_key, join(outboxDir, outputs.results)],
      [run.errors_key, join(outboxDir, outputs.errors)],
    ] as const;
    const partials: string[] = [];
    try {
      for (const [key, target] of targets) partials.push(await download(key, target));
    } catch (error) {
      await Promise.all(partials.map((partial) => rm(partial, { force: true })));
      throw error;
    }
    for (const [i, [, target]] of targets.entries()) await rename(partials[i]!, target);
    finished.set(name, run);
    log(summaryLine(`inbox/${name}`, run));
  }

  async function watch(): Promise<void> {
    while (running) {
      try {
        const current = await listing();
        for (const name of settledFiles(previous, current, taken)) {
          taken.set(name, current.get(name)!);
          const work: Promise<void> = handle(name)
            .catch((error: unknown) => log(`inbox/${name}: ${(error as Error).message}`))
            .finally(() => inFlight.delete(work));
          inFlight.add(work);
        }
        previous = current;
      } catch (error) {
        log(`inbox: ${(error as Error).message}`);
      }
      await pause();
    }
  }

  const watching = watch();
  return {
    finished,
    async stop() {
      running = false;
      await watching;
      await Promise.all(inFlight);
    },
  };
}
