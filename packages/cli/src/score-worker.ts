/**
 * A worker thread of `echo-ridge score`: it builds the run's scorer once from the settings the main
 * thread resolved (so every worker scores with the same context, weights and options), then scores
 * each chunk it is sent and sends back the encoded outputs, handing their memory over.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createScorer, type ScorerOptions } from '@echo-ridge/engine';
import type { LineChunk } from './line-chunks.js';
import { scoreChunk } from './score-chunk.js';

const port = parentPort;
if (port === null) throw new Error('score-worker.ts runs as a worker thread of echo-ridge score');
const scorer = createScorer(workerData as ScorerOptions);

port.on('message', (chunk: LineChunk) => {
  const scored = scoreChunk(scorer, chunk);
  port.postMessage(scored, [scored.results.buffer as ArrayBuffer, scored.errors.buffer as ArrayBuffer]);
});
