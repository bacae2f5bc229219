import * as v from 'valibot';

/**
 * The wire payload (spec §9) as valibot schemas: the engine's output types are inferred from them, and
 * the API's OpenAPI document and response checks use the same objects, so the three cannot drift apart.
 */

const SubscoreEntrySchema = v.object({
  score: v.number(),
  confidence: v.number(),
  weight: v.number(),
  weighted_contribution: v.number(),
});

export const RiskSchema = v.object({
  data_confidence: v.number(),
  missing_field_penalty: v.number(),
  scrape_volatility: v.number(),
  overall_risk: v.picklist(['low', 'medium', 'high']),
  reasons: v.array(v.string()),
});

export const FeasibilitySchema = v.object({
  docs_present: v.boolean(),
  crm_or_ecom_present: v.boolean(),
  budget_above_floor: v.boolean(),
  deployable_now: v.boolean(),
  overall_feasible: v.boolean(),
  reasons: v.array(v.string()),
});

export const RecommendationSchema = v.object({
  action: v.picklist(['reject', 'defer', 'review', 'proceed']),
  priority: v.picklist(['low', 'medium', 'high']),
  rationale: v.string(),
  risk_level: RiskSchema.entries.overall_risk,
  feasible: v.boolean(),
});

const VerboseSubscoreSchema = v.object({
  inputs: v.record(v.string(), v.object({ raw: v.number(), bounded: v.number() })),
  weight: v.number(),
  weighted_contribution: v.number(),
  formula: v.string(),
});

export const ScorePayloadSchema = v.object({
  company_id: v.string(),
  final_score: v.number(),
  interpretation: v.string(),
  subscores: v.object({
    digital: SubscoreEntrySchema,
    ops: SubscoreEntrySchema,
    info_flow: SubscoreEntrySchema,
    market: SubscoreEntrySchema,
    budget: SubscoreEntrySchema,
  }),
  explanation: v.string(),
  warnings: v.array(v.string()),
  model_confidence: v.number(),
  data_source_confidence: v.number(),
  combined_confidence: v.number(),
  risk: RiskSchema,
  feasibility: FeasibilitySchema,
  recommendation: RecommendationSchema,
  masked: v.boolean(),
  metadata: v.object({
    version: v.object({ api: v.string(), engine: v.string(), weights: v.string() }),
    norm_context: v.object({ version: v.string(), checksum: v.string() }),
    timestamp: v.string(),
    processing_time_ms: v.number(),
  }),
  verbose_subscores: v.optional(
    v.object({
      digital: VerboseSubscoreSchema,
      ops: VerboseSubscoreSchema,
      info_flow: VerboseSubscoreSchema,
      market: VerboseSubscoreSchema,
      budget: VerboseSubscoreSchema,
    }),
  ),
  verbose_risk: v.optional(
    v.object({
      thresholds: v.object({
        confidence_threshold: v.number(),
        high_risk_composite: v.number(),
        medium_risk_composite: v.number(),
        composite_weights: v.record(v.string(), v.number()),
      }),
      composite_score: v.number(),
      missing_fields: v.array(v.string()),
      volatility_factors: v.array(v.object({ factor: v.string(), weight: v.number() })),
    }),
  ),
  verbose_feasibility: v.optional(
    v.object({
      thresholds: v.object({
        min_daily_docs: v.number(),
        revenue_floor_usd: v.number(),
        min_employees: v.number(),
        min_pagespeed_exclusive: v.number(),
      }),
      inputs: v.object({ daily_docs_est: v.number(), crm_flag: v.boolean(), ecom_flag: v.boolean(), revenue_est_usd: v.number(), employees: v.number(), pagespeed: v.number() }),
    }),
  ),
});

export type Risk = v.InferOutput<typeof RiskSchema>;
export type Feasibility = v.InferOutput<typeof FeasibilitySchema>;
export type Recommendation = v.InferOutput<typeof RecommendationSchema>;
export type ScorePayload = v.InferOutput<typeof ScorePayloadSchema>;
export type VerboseSubscores = NonNullable<ScorePayload['verbose_subscores']>;
