import type * as v from 'valibot';
import type { ErrorStatus } from './errors.js';
import {
  BatchQuerySchema,
  BatchRecordResponseSchema,
  BatchRequestSchema,
  BatchResponseSchema,
  BatchUploadRequestSchema,
  BatchUploadResponseSchema,
  HealthResponseSchema,
  HybridRequestSchema,
  HybridResponseSchema,
  MAX_BATCH_COMPANIES,
  OpenApiDocumentSchema,
  ScoreQuerySchema,
  ScoreRequestSchema,
  ScoreResponseSchema,
  ScoresQuerySchema,
  ScoresResponseSchema,
  StatsResponseSchema,
} from './schemas.js';

/** A body the route answers with on purpose, for one status. */
export interface Answer {
  readonly description: string;
  readonly schema: v.GenericSchema;
}

/** One route of the API: how it is called, what it accepts and everything it may answer. */
export interface Operation {
  readonly method: 'GET' | 'POST';
  /** A template such as `/scores/{company_id}`: the API Gateway resource and the OpenAPI path. */
  readonly path: string;
  /** False only for what API Gateway serves without an API key. */
  readonly apiKeyRequired: boolean;
  readonly summary: string;
  readonly description: string;
  /** The parameters of `path`, by name, with what each names. */
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly query?: v.ObjectSchema<v.ObjectEntries, undefined>;
  /** A JSON request body. */
  readonly body?: v.GenericSchema;
  readonly responses: Readonly<Record<number, Answer>>;
  /** Statuses answered with the error body. */
  readonly errors: readonly ErrorStatus[];
  /** A write that accepts `Idempotency-Key` (idempotency.ts): the handler makes it idempotent, the client sends a key. */
  readonly idempotent?: true;
}

/** What API Gateway and any function behind it may answer to every request. */
const ANY_ROUTE: readonly ErrorStatus[] = [429, 500, 502, 504];
const KEYED: readonly ErrorStatus[] = [403, ...ANY_ROUTE];
/** A JSON body is checked in the order a client fixes things: size, media type, syntax, schema. */
const JSON_BODY: readonly ErrorStatus[] = [400, 413, 415, 422];
/** What a write with `Idempotency-Key` may answer besides (400 and 422 are among JSON_BODY's). */
const IDEMPOTENT: readonly ErrorStatus[] = [409];

/**
 * Every route of the API (design: "HTTP API"), keyed by its OpenAPI operation id. The handler binds one
 * function to each, API Gateway exposes each, and the client calls each.
 */
export const OPERATIONS = {
  scoreCompany: {
    method: 'POST',
    path: '/score',
    apiKeyRequired: true,
    summary: 'Score one company',
    description:
      'Scores the company with the current normalization context, stores the payload and answers with it. With `context` it re-scores with that published context instead and stores nothing.',
    query: ScoreQuerySchema,
    body: ScoreRequestSchema,
    responses: { 200: { description: 'The scoring payload.', schema: ScoreResponseSchema } },
    errors: [...JSON_BODY, ...IDEMPOTENT, 404, 503, ...KEYED],
    idempotent: true,
  },
  scoreBatch: {
    method: 'POST',
    path: '/score/batch',
    apiKeyRequired: true,
    summary: `Score up to ${MAX_BATCH_COMPANIES} companies`,
    description:
      'Scores every valid company and reports every invalid one by its index; the scores and a batch record are stored under a new `batch_id`.',
    body: BatchRequestSchema,
    responses: { 200: { description: 'The payloads and the per-company errors, each by its index in the request.', schema: BatchResponseSchema } },
    errors: [...JSON_BODY, ...IDEMPOTENT, 503, ...KEYED],
    idempotent: true,
  },
  scoreHybrid: {
    method: 'POST',
    path: '/score/hybrid',
    apiKeyRequired: true,
    summary: "Blend a pipeline record's deterministic score with an AI score",
    description: 'Adapts the pipeline record into a company, scores it and blends the payload with the AI score (spec §10). Nothing is stored.',
    body: HybridRequestSchema,
    responses: { 200: { description: 'The adapted company, its payload and the blend.', schema: HybridResponseSchema } },
    errors: [...JSON_BODY, 503, ...KEYED],
  },
  getScores: {
    method: 'GET',
    path: '/scores/{company_id}',
    apiKeyRequired: true,
    summary: 'Read the scores of a company',
    description: 'The latest payload (from files dropped under one key, the newest upload of that key, whatever order S3 reported the uploads in), or with `history=true` one page of all stored payloads, newest first.',
    pathParameters: { company_id: 'The `company_id` of the scored record.' },
    query: ScoresQuerySchema,
    responses: { 200: { description: 'The latest payload, or a page of the history when `history=true`.', schema: ScoresResponseSchema } },
    errors: [400, 404, 503, ...KEYED],
  },
  createBatchUpload: {
    method: 'POST',
    path: '/batches',
    apiKeyRequired: true,
    summary: 'Upload a JSONL file to score as a batch',
    description:
      'Answers a presigned URL to PUT one JSONL file (one company per line) to your folder of the data bucket, `incoming/<tenant>/<name>.jsonl`, and the `batch_id` it will be scored under: `GET /batches/{batch_id}` is `awaiting_upload` until the file arrives, then follows the batch, and once it is completed links its results and errors; it is `expired` when the URL expired before any file arrived. A `name` is yours again once its batch has ended (completed, failed or expired): while it is awaiting its upload, queued or running, another upload of that name is a 409. Send `{}` to let the batch id name the file.',
    body: BatchUploadRequestSchema,
    responses: { 201: { description: 'The batch id and how to upload its file.', schema: BatchUploadResponseSchema } },
    errors: [...JSON_BODY, ...IDEMPOTENT, 503, ...KEYED],
    idempotent: true,
  },
  getBatch: {
    method: 'GET',
    path: '/batches/{batch_id}',
    apiKeyRequired: true,
    summary: 'Read a batch record',
    description:
      'The status and counts of a batch, with the file fields of a file batch and, once it is completed, presigned URLs of its results and errors; with `scores=true` one page of its scores in input order.',
    pathParameters: { batch_id: 'The `batch_id` that `POST /score/batch` or `POST /batches` answered, or of a file batch.' },
    query: BatchQuerySchema,
    responses: { 200: { description: 'The batch record.', schema: BatchRecordResponseSchema } },
    errors: [400, 404, 503, ...KEYED],
  },
  getStats: {
    method: 'GET',
    path: '/stats',
    apiKeyRequired: true,
    summary: 'Versions, normalization context and companies scored',
    description: 'What the service scores with, and how many companies it has scored.',
    responses: { 200: { description: 'The versions, the current normalization context and the count.', schema: StatsResponseSchema } },
    errors: [503, ...KEYED],
  },
  getHealth: {
    method: 'GET',
    path: '/healthz',
    apiKeyRequired: false,
    summary: 'Health check',
    description: 'Whether the configuration is sound and the score table answers.',
    responses: {
      200: { description: 'Healthy.', schema: HealthResponseSchema },
      503: { description: 'Unhealthy: the failing part names its problems.', schema: HealthResponseSchema },
    },
    errors: ANY_ROUTE,
  },
  getOpenApi: {
    method: 'GET',
    path: '/openapi.json',
    apiKeyRequired: false,
    summary: 'This OpenAPI document',
    description: 'The OpenAPI 3.1 document of the API, generated from the schemas the handler validates with.',
    responses: { 200: { description: 'The OpenAPI document.', schema: OpenApiDocumentSchema } },
    errors: ANY_ROUTE,
  },
} as const satisfies Record<string, Operation>;

export type OperationId = keyof typeof OPERATIONS;
