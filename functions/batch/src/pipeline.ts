import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { S3Client } from '@aws-sdk/client-s3';
import { splitJsonlLines } from '@echo-ridge/engine';
import {
  batchInputOf,
  deleteObjects,
  headObject,
  joinObjects,
  ObjectChangedError,
  openObjectWriter,
  readBytes,
  readObjectRange,
  type BatchRun,
  type BatchRunStore,
  type ChunkCounts,
  type ObjectVersion,
  type Sampler,
  type ScorerSource,
  type TenantId,
} from '@echo-ridge/store';
import { batchIdFor, batchIdOf, sameObject, type ObjectHead } from './batch-id.js';
import { countingNewlines, joinErrorParts, linesBefore, memberNumber } from './chunk-lines.js';
import { planChunks } from './chunk-plan.js';
import { leaseFor, refusedClaim } from './lease.js';
import type { ChunkMessage, ObjectCreated } from './messages.js';
import { chunkOutputKeys, outputKeys } from './output-keys.js';
import { scoreLines } from './score-lines.js';
import { SNIFF_BYTES, textProblem } from './sniff.js';

/** Sends chunk messages to the batch queue (the function's own). */
export type EnqueueChunks = (messages: ChunkMessage[]) => Promise<void>;

/** Which delivery this is, and when Lambda will end it. */
export interface Invocation {
  messageId: string;
  deadlineMs: number;
}

/** An earlier delivery of this message still holds the chunk: the message must come back later. */
export class ChunkBusyError extends Error {
  override readonly name = 'ChunkBusyError';
}

export interface BatchPipelineOptions {
  runs: BatchRunStore;
  s3: S3Client;
  /** Receives results/ and errors/ (the stack's data bucket, which also holds incoming/). */
  outputBucket: string;
  enqueueChunks: EnqueueChunks;
  /** A batch is planned with the current context and every chunk of it is scored with that one. */
  scoring: ScorerSource;
  /** Keeps a share of the scored inputs for the daily context refresh. */
  sampler: Sampler;
  chunkBytes: number;
  logger: Logger;
  metrics: Metrics;
  /** Annotates the record's trace with the batch it works on. */
  tracer: Tracer;
  /** Where a chunk's scores go; the store's DynamoDB writer unless a benchmark measures without it. */
  openScoreWriter?: BatchRunStore['openScoreWriter'];
}

/**
 * The batch function's work: an S3 event plans a batch and scores it (one chunk) or fans it out (many);
 * a chunk message scores one chunk under a lease; the last chunk to finish joins the outputs and
 * completes the batch.
 */
export function createBatchPipeline(options: BatchPipelineOptions) {
  const { runs, s3, outputBucket, enqueueChunks, scoring, sampler, chunkBytes, logger, metrics, tracer } = options;
  const openScoreWriter = options.openScoreWriter ?? runs.openScoreWriter;

  /** The batch is the log's correlation id and an annotation X-Ray can search (`annotation.batch_id = "…"`). */
  function identify(batchId: string): void {
    logger.setCorrelationId(batchId);
    tracer.putAnnotation('batch_id', batchId);
  }

  async function plan(object: ObjectCreated, head: ObjectHead, batchId: string, tenant: TenantId): Promise<BatchRun> {
    const source = { bucket: object.bucket, key: object.key, etag: object.etag, version_id: object.versionId, size: head.size, sequencer: object.sequencer, uploaded_at: object.uploadedAt };
    const outputs = outputKeys(batchId);
    const { scorer } = await scoring.current();
    const draft = { batch_id: batchId, tenant, source, context_version: scorer.context.version, results_key: outputs.results, errors_key: outputs.errors };
    const version: ObjectVersion = { ...object };
    if (!object.versionId && head.etag !== object.etag) return runs.create({ ...draft, chunks: [], failure_reason: 'the object was overwritten before it was scored' });
    const headBytes = await readBytes(await readObjectRange(s3, version, 0, Math.min(SNIFF_BYTES, head.size)));
    const problem = textProblem(headBytes, head.size <= SNIFF_BYTES);
    if (problem) return runs.create({ ...draft, chunks: [], failure_reason: problem });
    const chunks = await planChunks(head.size, chunkBytes, (start, end) => readObjectRange(s3, version, start, end));
    return runs.create({ ...draft, chunks });
  }

  /** The object as S3 has it now, or why it cannot be scored any more. */
  async function look(object: ObjectCreated): Promise<ObjectHead | ObjectChangedError> {
    try {
      return await headObject(s3, object.bucket, object.key, object.versionId);
    } catch (error) {
      if (error instanceof ObjectChangedError) return error;
      throw error;
    }
  }

  async function startBatch(object: ObjectCreated, invocation: Invocation): Promise<void> {
    const input = batchInputOf(object.key);
    if (!input.ok) {
      logger.warn('refusing an object outside every tenant folder of incoming/', { bucket: object.bucket, key: object.key, reason: input.reason });
      return;
    }
    const head = await look(object);
    const batchId = head instanceof ObjectChangedError ? batchIdFor(object) : batchIdOf(object, head);
    identify(batchId);
    let run = await runs.get(batchId);
    if (run && !sameObject(run.source, object)) {
      logger.warn('another upload already holds this batch id: this one is not scored (each POST /batches URL takes one file)', { key: object.key, batch_key: run.source.key });
      return;
    }
    if (!run) {
      try {
        if (head instanceof ObjectChangedError) throw head;
        run = await plan(object, head, batchId, input.tenant);
      } catch (error) {
        if (!(error instanceof ObjectChangedError)) throw error;
        logger.warn('the object is gone or changed; nothing to score', { key: object.key, reason: error.message });
        return;
      }
      logger.info('batch planned', { key: object.key, tenant: run.tenant, size: run.source.size, chunks: run.chunk_count, status: run.status });
    }
    if (run.status === 'completed' || run.status === 'failed') {
      logger.info('batch already ended; the event changes nothing', { status: run.status });
      // A completion whose invocation died before deleting the parts is followed by the deletion.
      if (run.status === 'completed') await finish(run);
      return;
    }
    if (run.chunk_count === 1) return scoreChunk(run, 0, invocation);
    if (run.chunks_done === run.chunk_count) return finish(run);
    const open = run.chunks.filter((chunk) => !run.finished_chunks.has(chunk.index));
    await enqueueChunks(open.map((chunk) => ({ type: 'batch-chunk', batch_id: batchId, chunk: chunk.index })));
    logger.info('chunks queued', { chunks: open.length });
  }

  async function continueBatch(batchId: string, index: number, invocation: Invocation): Promise<void> {
    identify(batchId);
    logger.appendKeys({ chunk: index });
    const run = await runs.get(batchId);
    if (!run) throw new Error(`chunk message for batch ${batchId}, which has no record`);
    if (run.status === 'failed') return;
    if (run.status === 'completed' || run.finished_chunks.has(index)) {
      // The last chunk died between finishing and completing, or between completing and deleting the
      // parts: whoever sees that finishes the batch (finish() does only what is left).
      if (run.chunks_done === run.chunk_count) await finish(run);
      return;
    }
    await scoreChunk(run, index, invocation);
  }

  async function scoreChunk(planned: BatchRun, index: number, invocation: Invocation): Promise<void> {
    const owner = invocation.messageId;
    const claim = await runs.claimChunk(planned.batch_id, index, leaseFor(owner, invocation.deadlineMs));
    if (!claim.claimed) {
      const verdict = refusedClaim(claim.run, index, owner);
      logger.info('chunk not claimed', { verdict });
      if (verdict === 'retry') throw new ChunkBusyError(`chunk ${index} of batch ${planned.batch_id} is still leased to this message`);
      if (verdict === 'done' && claim.run.status !== 'failed' && claim.run.chunks_done === claim.run.chunk_count) await finish(claim.run);
      return;
    }
    const run = claim.run;
    let counts: ChunkCounts;
    try {
      counts = await scoreRange(run, index);
    } catch (error) {
      await runs.releaseChunk(run.batch_id, index, owner);
      if (!(error instanceof ObjectChangedError)) throw error;
      await runs.fail(run.batch_id, error.message);
      logger.warn('batch failed: its input changed while it was scored', { reason: error.message });
      return;
    }
    const after = await runs.finishChunk(run.batch_id, index, owner, counts);
    if (!after) {
      // The lease was lost (its new holder counts the chunk), the batch failed meanwhile, or this very
      // write was applied and its answer lost, in which case this may have been the last chunk.
      logger.warn('chunk not counted by this write');
      const now = await runs.get(run.batch_id);
      if (now && now.status !== 'failed' && now.chunks_done === now.chunk_count) await finish(now);
      return;
    }
    metrics.addMetric('CompaniesScored', MetricUnit.Count, counts.scored);
    metrics.addMetric('BatchLinesFailed', MetricUnit.Count, counts.failed);
    logger.info('chunk scored', { ...counts, chunks_done: after.chunks_done, chunk_count: after.chunk_count });
    if (after.chunks_done === after.chunk_count) await finish(after);
  }

  async function scoreRange(run: BatchRun, index: number): Promise<ChunkCounts> {
    const chunk = run.chunks[index];
    if (!chunk) throw new Error(`batch ${run.batch_id} has no chunk ${index}`);
    const scorers = await scoring.version(run.context_version);
    if (!scorers) throw new Error(`batch ${run.batch_id} was planned with context ${run.context_version}, which is not published`);
    const keys = chunkOutputKeys(run, index);
    const results = openObjectWriter(s3, outputBucket, keys.results);
    const errors = openObjectWriter(s3, outputBucket, keys.errors);
    const scores = openScoreWriter(run, sampler);
    const version: ObjectVersion = { bucket: run.source.bucket, key: run.source.key, etag: run.source.etag, versionId: run.source.version_id };
    const tally = { newlines: 0 };
    try {
      const bytes = countingNewlines(await readObjectRange(s3, version, chunk.start, chunk.end), tally);
      // Lines are numbered within the chunk (chunk-lines.ts); only the file's first chunk may open with a BOM.
      const counts = await scoreLines(splitJsonlLines(bytes, { startsFile: chunk.start === 0 }), scorers.scorer, {
        async scored(line, payload, company) {
          await scores.add(memberNumber(chunk, line), payload, company);
          await results.write(`${JSON.stringify(payload)}\n`);
        },
        failed: (record) => errors.write(`${JSON.stringify(record)}\n`),
      });
      await Promise.all([scores.flush(), results.close(), errors.close()]);
      return { ...counts, newlines: tally.newlines };
    } catch (error) {
      await Promise.all([results.abort(), errors.abort()]);
      throw error;
    }
  }

  /**
   * Joins the chunk outputs (for more than one chunk), completes the batch, then deletes the parts.
   * Completion is the last step that matters: until the record says completed the parts are intact, so
   * a join or a completion that failed half-way is simply done again; once it says completed, a
   * repeated finish only deletes parts that may already be gone.
   */
  async function finish(run: BatchRun): Promise<void> {
    let status = run.status;
    if (status === 'running') {
      if (run.chunk_count > 1) await join(run);
      const completed = await runs.complete(run);
      if (completed) {
        recordCompletion(completed);
        status = 'completed';
      } else {
        status = (await runs.get(run.batch_id))?.status ?? status;
      }
    }
    if (status === 'completed' && run.chunk_count > 1) await deleteParts(run);
  }

  async function join(run: BatchRun): Promise<void> {
    const parts = run.chunks.map((chunk) => chunkOutputKeys(run, chunk.index));
    await joinObjects(s3, outputBucket, parts.map((part) => part.results), run.results_key);
    const before = linesBefore(run.chunks);
    await joinErrorParts(s3, outputBucket, parts.map((part, i) => ({ key: part.errors, linesBefore: before[i]! })), run.errors_key);
    logger.info('chunk outputs joined', { parts: parts.length });
  }

  function recordCompletion(completed: BatchRun & { completed_at: string }): void {
    const durationMs = Date.parse(completed.completed_at) - Date.parse(completed.started_at ?? completed.created_at);
    metrics.addMetric('BatchDurationMs', MetricUnit.Milliseconds, durationMs);
    metrics.addMetric('BatchThroughput', MetricUnit.Count, completed.companies_per_minute ?? 0);
    logger.info('batch completed', {
      lines: completed.total,
      scored: completed.successful,
      failed: completed.failed,
      duration_ms: durationMs,
      companies_per_minute: completed.companies_per_minute,
    });
  }

  /** Parts are a by-product; one left behind costs storage until the lifecycle rule expires it, never correctness. */
  async function deleteParts(run: BatchRun): Promise<void> {
    const keys = run.chunks.flatMap((chunk) => Object.values(chunkOutputKeys(run, chunk.index)));
    try {
      await deleteObjects(s3, outputBucket, keys);
    } catch (error) {
      logger.warn('could not delete chunk parts', { error: error as Error });
    }
  }

  return {
    async handleObject(object: ObjectCreated, invocation: Invocation) {
      await startBatch(object, invocation);
    },
    async handleChunk(message: ChunkMessage, invocation: Invocation) {
      await continueBatch(message.batch_id, message.chunk, invocation);
    },
  };
}

export type BatchPipeline = ReturnType<typeof createBatchPipeline>;
