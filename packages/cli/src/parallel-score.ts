import type { ReadStream } from 'node:fs';
import type { Scorer } from '@echo-ridge/engine';
import type { LineWriter } from './files.js';
import type { RunCounts } from './jsonl-input.js';
import { lineChunks, type LineChunk } from './line-chunks.js';
import { Progress } from './progress.js';
import { scoreChunk, type ScoredChunk } from './score-chunk.js';
import { createWorkerPool, mapInOrder } from './worker-pool.js';

const WORKER_ENTRY = new URL('../bin/score-worker.js', import.meta.url);

/**
 * About 600 companies: a message per chunk costs nothing next to scoring it, and even a file of a few
 * MB is shared among the workers. The input is read in pieces of this size too.
 */
export const CHUNK_BYTES = 256 * 1024;

/**
 * Two chunks held by each worker (the one it scores, the next in its inbox) and two done, waiting
 * for an earlier chunk or being written: about 7 MB for two workers.
 */
const IN_FLIGHT_PER_WORKER = 4;

export interface ParallelScoreOptions {
  /** The input, already opened (so that a bad path fails before any output is created). */
  input: { stream: ReadStream; size: number };
  /** The run's scorer: every worker builds its own from the same context, weights and options. */
  scorer: Scorer;
  /** The most worker threads to start. */
  workers: number;
  results: LineWriter;
  /** Error records go to stderr when null. */
  errors: LineWriter | null;
  chunkBytes?: number;
}

/**
 * Scores a JSONL file on `workers` threads. The file is cut at line ends into chunks; each chunk is
 * scored by the least busy worker, and the outputs are appended in input order, so they are the
 * same bytes whatever the number of workers (in deterministic mode; otherwise only timestamps and
 * durations differ). At most `IN_FLIGHT_PER_WORKER` chunks per worker are in flight and every write
 * waits for the output to drain, so memory stays flat however large the file.
 */
export async function scoreInParallel({ input, scorer, workers, results, errors, chunkBytes = CHUNK_BYTES }: ParallelScoreOptions): Promise<{ counts: RunCounts; threads: number }> {
  const progress = new Progress(input.size);
  const pool = createWorkerPool<LineChunk, ScoredChunk>(WORKER_ENTRY, workers, { context: scorer.context, weights: scorer.weights, ...scorer.options });
  // A file of one chunk is scored here: starting a worker would cost more than the whole run.
  const run = input.size <= chunkBytes ? (chunk: LineChunk) => Promise.resolve().then(() => scoreChunk(scorer, chunk)) : (chunk: LineChunk) => pool.run(chunk);
  const counts: RunCounts = { lines: 0, succeeded: 0, failed: 0 };
  try {
    for await (const scored of mapInOrder(lineChunks(input.stream, chunkBytes), run, IN_FLIGHT_PER_WORKER * workers)) {
      await results.writeBytes(scored.results);
      if (errors) await errors.writeBytes(scored.errors);
      else if (scored.errors.length > 0) process.stderr.write(scored.errors);
      counts.lines += scored.counts.lines;
      counts.succeeded += scored.counts.succeeded;
      counts.failed += scored.counts.failed;
      progress.update(input.stream.bytesRead, counts.lines);
    }
  } finally {
    progress.done();
    input.stream.destroy();
    await pool.close();
  }
  return { counts, threads: pool.started() };
}
