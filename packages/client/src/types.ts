import type {
  BatchQuerySchema,
  BatchRecordResponseSchema,
  BatchResponseSchema,
  BatchUploadResponseSchema,
  ErrorBodySchema,
  HealthResponseSchema,
  HistoryResponseSchema,
  HybridRequestSchema,
  HybridResponseSchema,
  OpenApiDocumentSchema,
  ScoreQuerySchema,
  ScoreRequestSchema,
  ScoreResponseSchema,
  ScoresQuerySchema,
  StatsResponseSchema,
} from '@echo-ridge/contract';
import type * as v from 'valibot';

/** The client's request and answer types, all inferred from the contract's schemas. */

/** A company record as the API takes it. */
export type Company = v.InferInput<typeof ScoreRequestSchema>;
export type HybridRequest = v.InferInput<typeof HybridRequestSchema>;

export type ScoreResponse = v.InferOutput<typeof ScoreResponseSchema>;
export type BatchResponse = v.InferOutput<typeof BatchResponseSchema>;
export type HybridResponse = v.InferOutput<typeof HybridResponseSchema>;
export type HistoryResponse = v.InferOutput<typeof HistoryResponseSchema>;
export type BatchRecordResponse = v.InferOutput<typeof BatchRecordResponseSchema>;
export type BatchUploadResponse = v.InferOutput<typeof BatchUploadResponseSchema>;
export type StatsResponse = v.InferOutput<typeof StatsResponseSchema>;
export type HealthResponse = v.InferOutput<typeof HealthResponseSchema>;
export type OpenApiDocument = v.InferOutput<typeof OpenApiDocumentSchema>;
/** The payload of one scored company. */
export type ScorePayload = BatchResponse['results'][number]['payload'];
export type ErrorDetail = v.InferOutput<typeof ErrorBodySchema>['error'];

/** Query parameters as values the API parses them into; each may be left out. */
export type ScoreQuery = Partial<v.InferOutput<typeof ScoreQuerySchema>>;
export type HistoryQuery = Omit<Partial<v.InferOutput<typeof ScoresQuerySchema>>, 'history'>;
export type BatchQuery = Partial<v.InferOutput<typeof BatchQuerySchema>>;

export interface RequestOptions {
  /** Aborts the request, and any wait before a retry. */
  signal?: AbortSignal;
}

/** Options of the writes that accept `Idempotency-Key`. */
export interface WriteOptions extends RequestOptions {
  /**
   * The call's `Idempotency-Key`, sent with each of its retries (default: a new UUID per call). Pass
   * your own to make a call of yours idempotent across processes: the same key with the same company
   * or companies within 24 hours gets the first answer again and stores nothing twice.
   */
  idempotencyKey?: string;
}
