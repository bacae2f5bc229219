import { OPERATIONS } from '@echo-ridge/contract';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { scoreMany, type ScoreManyOptions, type ScoreManyResult } from './score-many.js';
import { createTransport, defaultSleep, type Send, type TransportOptions } from './transport.js';
import type {
  BatchQuery,
  BatchRecordResponse,
  BatchResponse,
  BatchUploadResponse,
  Company,
  HealthResponse,
  HistoryQuery,
  HistoryResponse,
  HybridRequest,
  HybridResponse,
  OpenApiDocument,
  RequestOptions,
  ScoreQuery,
  WriteOptions,
  ScoreResponse,
  StatsResponse,
} from './types.js';

export interface ClientOptions {
  /** The API's base URL: `http://127.0.0.1:3000` for `pnpm start`, the stage URL (`https://…/v1`) on AWS. */
  baseUrl: string;
  /** Sent as `x-api-key`; every route but /healthz and /openapi.json needs it. */
  apiKey?: string;
  /** How long one attempt waits for its answer (default 30 s; API Gateway gives up after 29 s). */
  timeoutMs?: number;
  /** Retries of 409, 429 and 503 (default: 4 retries, 200 ms doubling, at most 20 s). */
  retry?: Partial<RetryPolicy>;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Waits between attempts (default: a timer); a test can record the waits instead. */
  sleep?: TransportOptions['sleep'];
  /** The jitter's source of uniform draws in [0, 1) (default Math.random). */
  random?: () => number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The score API over HTTP: one method per route, typed by the contract's schemas. Errors throw ApiError. */
export class EchoRidgeClient {
  private readonly send: Send;

  constructor(options: ClientOptions) {
    this.send = createTransport({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      fetch: options.fetch ?? fetch,
      sleep: options.sleep ?? defaultSleep,
      random: options.random ?? Math.random,
    });
  }

  /** `POST /score`: scores and stores one company; with `context`, re-scores with that context and stores nothing. */
  score(company: Company, { verbose, context, signal, idempotencyKey }: ScoreQuery & WriteOptions = {}): Promise<ScoreResponse> {
    return this.send({ operation: OPERATIONS.scoreCompany, query: { verbose, context }, body: company, signal, idempotencyKey });
  }

  /** `POST /score/batch`: at most MAX_BATCH_COMPANIES companies; invalid ones come back in `errors`. */
  scoreBatch(companies: readonly Company[], { signal, idempotencyKey }: WriteOptions = {}): Promise<BatchResponse> {
    return this.send({ operation: OPERATIONS.scoreBatch, body: { companies }, signal, idempotencyKey });
  }

  /** Any number of companies through `POST /score/batch`, the outcomes in input order (score-many.ts). */
  scoreMany(companies: readonly Company[], options: ScoreManyOptions = {}): Promise<ScoreManyResult> {
    return scoreMany((slice, signal) => this.scoreBatch(slice, { signal }), companies, options);
  }

  /** `POST /score/hybrid`: blends the deterministic score of a pipeline record with an AI score. */
  scoreHybrid(request: HybridRequest, { signal }: RequestOptions = {}): Promise<HybridResponse> {
    return this.send({ operation: OPERATIONS.scoreHybrid, body: request, signal });
  }

  /** `GET /scores/{company_id}`: the latest stored payload. */
  latestScore(companyId: string, { signal }: RequestOptions = {}): Promise<ScoreResponse> {
    return this.send({ operation: OPERATIONS.getScores, params: { company_id: companyId }, signal });
  }

  /** `GET /scores/{company_id}?history=true`: one page of the stored payloads, newest first. */
  scoreHistory(companyId: string, { limit, cursor, signal }: HistoryQuery & RequestOptions = {}): Promise<HistoryResponse> {
    return this.send({ operation: OPERATIONS.getScores, params: { company_id: companyId }, query: { history: true, limit, cursor }, signal });
  }

  /**
   * `POST /batches`: the id of a new file batch and a presigned URL to PUT its JSONL file to (with the
   * answer's `upload.headers`), named `name` in the tenant's folder, or after the batch.
   */
  createBatchUpload({ name, signal }: { name?: string } & RequestOptions = {}): Promise<BatchUploadResponse> {
    return this.send({ operation: OPERATIONS.createBatchUpload, body: name === undefined ? {} : { name }, answers: [201], signal });
  }

  /** `GET /batches/{batch_id}`: the batch record, with a page of its scores when `scores` is true. */
  batch(batchId: string, { scores, limit, cursor, signal }: BatchQuery & RequestOptions = {}): Promise<BatchRecordResponse> {
    return this.send({ operation: OPERATIONS.getBatch, params: { batch_id: batchId }, query: { scores, limit, cursor }, signal });
  }

  /** `GET /stats`: versions, the current normalization context and the count of companies scored. */
  stats({ signal }: RequestOptions = {}): Promise<StatsResponse> {
    return this.send({ operation: OPERATIONS.getStats, signal });
  }

  /** `GET /healthz`: an unhealthy service's 503 is an answer here, not an error. */
  health({ signal }: RequestOptions = {}): Promise<HealthResponse> {
    return this.send({ operation: OPERATIONS.getHealth, answers: [200, 503], signal });
  }

  /** `GET /openapi.json`: the API's OpenAPI document. */
  openApi({ signal }: RequestOptions = {}): Promise<OpenApiDocument> {
    return this.send({ operation: OPERATIONS.getOpenApi, signal });
  }
}
