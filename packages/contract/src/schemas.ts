import { CompanySchema, HybridRequestSchema, ScorePayloadSchema, STRATEGIES, ValidationIssueSchema } from '@echo-ridge/engine';
import { BatchNameSchema, BatchRecordSchema, ContextVersionSchema, FileBatchSchema } from '@echo-ridge/store/schemas';
import * as v from 'valibot';
import { PageQueryEntries, queryFlag } from './query.js';

/**
 * Request and response bodies and query strings of every route. The handlers parse requests and build
 * their answers against these, the client types its methods with them, and the OpenAPI document is
 * generated from the same objects.
 */

export const MAX_BATCH_COMPANIES = 1000;

const withRequestId = <T extends v.ObjectEntries>(entries: T) => v.object({ ...entries, request_id: v.string() });

export const ErrorBodySchema = withRequestId({
  error: v.object({
    code: v.string(),
    message: v.string(),
    issues: v.optional(v.array(ValidationIssueSchema)),
  }),
});

// POST /score[?verbose=true][&context=<version>]
export const ScoreQuerySchema = v.object({
  verbose: queryFlag('Adds the verbose sections (the subscore, risk and feasibility workings) to the payload.'),
  context: v.pipe(
    v.optional(ContextVersionSchema),
    v.description('Re-scores with this published normalization context, as a payload scored with it names it, and stores nothing.'),
  ),
});
export const ScoreRequestSchema = CompanySchema;
export const ScoreResponseSchema = withRequestId(ScorePayloadSchema.entries);

// POST /score/batch
export const BatchRequestSchema = v.object({
  companies: v.pipe(
    v.array(v.unknown(), 'must be an array of company records'),
    v.minLength(1, 'must hold at least one company'),
    v.maxLength(MAX_BATCH_COMPANIES, `must hold at most ${MAX_BATCH_COMPANIES} companies: split larger sets into several requests`),
  ),
});

const BatchSummarySchema = v.object({
  total: v.number(),
  successful: v.number(),
  failed: v.number(),
  /** successful / total, from 0 to 1. */
  success_rate: v.number(),
});

export const BatchItemErrorSchema = v.object({
  index: v.number(),
  company_id: v.optional(v.string()),
  error: ErrorBodySchema.entries.error,
});

export const BatchResponseSchema = withRequestId({
  batch_id: v.string(),
  results: v.array(v.object({ index: v.number(), company_id: v.string(), payload: ScorePayloadSchema })),
  errors: v.array(BatchItemErrorSchema),
  summary: BatchSummarySchema,
});

// POST /score/hybrid: {record, ai_score, strategy?, ai_weight?, divergence_threshold?, consensus_threshold?}
export { HybridRequestSchema };

const DimensionScoreSchema = v.object({ score: v.number(), confidence: v.number(), evidence: v.string() });
const byDimension = <S extends v.GenericSchema>(schema: S) => v.object({ D: schema, O: schema, I: schema, M: schema, B: schema });
const blended = <S extends v.ObjectEntries>(subscore: S) => ({
  overall_score: v.number(),
  subscores: byDimension(v.object({ ...DimensionScoreSchema.entries, ...subscore })),
  confidence: v.number(),
  explanation: v.string(),
});
const source = v.picklist(['ai', 'deterministic']);

export const HybridResponseSchema = withRequestId({
  company_id: v.string(),
  /** The company record the adapter made of the pipeline record. */
  company: CompanySchema,
  adapter_warnings: v.array(v.string()),
  deterministic: ScorePayloadSchema,
  blend: v.object({
    strategy: v.picklist(STRATEGIES),
    config: v.object({ ai_weight: v.number(), divergence_threshold: v.number(), consensus_threshold: v.optional(v.number()) }),
    blended_score: v.union([
      v.object(blended({ weights_used: v.object({ ai: v.number(), deterministic: v.number() }) })),
      v.object({
        ...blended({ selected_source: source }),
        selection_metadata: v.object({ overall_source: source, ai_confidence: v.number(), deterministic_confidence: v.number() }),
      }),
      v.object({
        ...blended({ consensus_reached: v.boolean(), divergence: v.number() }),
        consensus_metadata: v.object({
          overall_consensus: v.boolean(),
          overall_divergence: v.number(),
          consensus_threshold: v.number(),
          components_with_consensus: v.number(),
        }),
      }),
    ]),
    component_scores: v.object({
      ai_score: v.object({ overall_score: v.number(), subscores: v.partial(byDimension(DimensionScoreSchema)), confidence: v.number(), explanation: v.string() }),
      deterministic_score: v.object({ overall_score: v.number(), subscores: byDimension(DimensionScoreSchema), confidence: v.number(), explanation: v.string() }),
    }),
    divergence: v.object({
      divergences: v.object({
        overall: v.number(),
        component_D: v.number(),
        component_O: v.number(),
        component_I: v.number(),
        component_M: v.number(),
        component_B: v.number(),
      }),
      flags: v.array(v.string()),
      has_significant_divergence: v.boolean(),
      max_divergence: v.number(),
      level: v.picklist(['normal', 'monitor', 'investigate']),
    }),
    metadata: v.object({ ai_source: v.string(), deterministic_version: v.string(), company_id: v.string() }),
  }),
});

// GET /scores/{company_id}[?history=true&limit=&cursor=]
export const ScoresQuerySchema = v.object({ history: queryFlag('Answers one page of all stored payloads, newest first, instead of the latest.'), ...PageQueryEntries });
export const HistoryResponseSchema = withRequestId({
  company_id: v.string(),
  /** Newest first. */
  scores: v.array(ScorePayloadSchema),
  next_cursor: v.nullable(v.string()),
});
export const ScoresResponseSchema = v.union([ScoreResponseSchema, HistoryResponseSchema]);

// POST /batches
export const BatchUploadRequestSchema = v.object({
  name: v.pipe(
    v.optional(BatchNameSchema),
    v.description("The file's name under your folder, incoming/<tenant>/<name>.jsonl (`.jsonl` is added when missing), held by this batch until it ends; the batch id when absent."),
  ),
});
const PresignedUrlSchema = v.object({ url: v.string(), expires_at: v.string() });
export const BatchUploadResponseSchema = withRequestId({
  batch_id: v.string(),
  status: v.literal('awaiting_upload'),
  /** Where the file will lie in the data bucket. */
  key: v.string(),
  /** PUT the whole file to `url` with exactly `headers`, before `expires_at`; at most `max_bytes` (S3's largest single PUT). */
  upload: v.object({ ...PresignedUrlSchema.entries, method: v.literal('PUT'), headers: v.record(v.string(), v.string()), max_bytes: v.number() }),
});

// GET /batches/{batch_id}[?scores=true&limit=&cursor=]
export const BatchQuerySchema = v.object({ scores: queryFlag("Adds one page of the batch's scores, in input order."), ...PageQueryEntries });
const { batch_id, status, created_at, completed_at } = BatchRecordSchema.entries;
export const BatchRecordResponseSchema = withRequestId({
  batch_id,
  status,
  created_at,
  completed_at,
  summary: BatchSummarySchema,
  /** A batch of a JSONL file dropped in the bucket: its source, outputs, context, timing and chunk progress. */
  file: v.optional(FileBatchSchema),
  /** A completed file batch's outputs: GET each URL before it expires (ask again for fresh ones). */
  downloads: v.optional(v.object({ results: PresignedUrlSchema, errors: PresignedUrlSchema })),
  /** With ?scores=true: one page of the batch's scores, in input order. */
  scores: v.optional(v.array(ScorePayloadSchema)),
  next_cursor: v.optional(v.nullable(v.string())),
});

// GET /stats
export const StatsResponseSchema = withRequestId({
  versions: v.object({ api: v.string(), engine: v.string(), weights: v.string() }),
  norm_context: v.object({
    version: v.string(),
    checksum: v.string(),
    fitted_at: v.nullable(v.string()),
    age_hours: v.nullable(v.number()),
    /** Companies the context was fitted on. */
    sample_size: v.nullable(v.number()),
  }),
  companies_scored: v.number(),
});

// GET /healthz
// Only the part's status: /healthz is public, so what is wrong stays in the function's log.
const HealthCheckSchema = v.object({
  status: v.picklist(['ok', 'failing', 'not_checked']),
});
export const HealthResponseSchema = withRequestId({
  status: v.picklist(['ok', 'unavailable']),
  checks: v.object({ configuration: HealthCheckSchema, table: HealthCheckSchema }),
});

// GET /openapi.json: the document is the whole body, without request_id.
export const OpenApiDocumentSchema = v.looseObject({
  openapi: v.string(),
  info: v.looseObject({ title: v.string(), version: v.string() }),
  paths: v.record(v.string(), v.unknown()),
});

/** A response body as a route builds it; the envelope adds request_id. */
export type Body<S extends v.GenericSchema> = Omit<v.InferOutput<S>, 'request_id'>;
