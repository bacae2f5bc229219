import type { NormContext } from './context.js';
import { assessFeasibility, FEASIBILITY_THRESHOLDS } from './feasibility.js';
import type { FeatureName, Features } from './features.js';
import { contributionPoints, explanation, finalScore, interpretation, modelConfidence, rawScore } from './final-score.js';
import { MASKED_WARNING, maskedExplanation, maskedInterpretation } from './masking.js';
import type { ScorePayload, VerboseSubscores } from './payload-schema.js';
import { recommend } from './recommendation.js';
import { assessRisk, RISK_THRESHOLDS, type RiskDetail } from './risk.js';
import type { Company } from './schema.js';
import { computeSubscores, SUBSCORE_FORMULAS, SUBSCORE_NAMES, type SubscoreName, type Subscores } from './subscores.js';
import { API_VERSION, ENGINE_VERSION } from './versions.js';
import type { Weights } from './weights.js';

/** Deterministic mode fixes the two fields that differ between runs, so outputs compare by hash. */
export const DETERMINISTIC_TIMESTAMP = '1970-01-01T00:00:00.000Z';

export interface PayloadOptions {
  /** Zero the scores of infeasible companies (the service default). */
  mask: boolean;
  verbose: boolean;
  deterministic: boolean;
}

/** The company fields and bounded features behind each subscore, for verbose payloads. */
const SUBSCORE_INPUTS: Record<SubscoreName, [string, FeatureName, (c: Company) => number][]> = {
  digital: [
    ['pagespeed', 'digital_pagespeed', (c) => c.digital.pagespeed],
    ['crm_flag', 'digital_crm_flag', (c) => (c.digital.crm_flag ? 1 : 0)],
    ['ecom_flag', 'digital_ecom_flag', (c) => (c.digital.ecom_flag ? 1 : 0)],
  ],
  ops: [
    ['employees', 'ops_employees_log', (c) => c.ops.employees],
    ['locations', 'ops_locations_log', (c) => c.ops.locations],
    ['services_count', 'ops_services_count_log', (c) => c.ops.services_count],
  ],
  info_flow: [['daily_docs_est', 'info_flow_daily_docs_est_log', (c) => c.info_flow.daily_docs_est]],
  market: [
    ['competitor_density', 'market_competitor_density_log', (c) => c.market.competitor_density],
    ['industry_growth_pct', 'market_industry_growth_pct', (c) => c.market.industry_growth_pct],
    ['rivalry_index', 'market_rivalry_index', (c) => c.market.rivalry_index],
  ],
  budget: [['revenue_est_usd', 'budget_revenue_est_usd_log', (c) => c.budget.revenue_est_usd]],
};

/** First occurrence kept; a handful of warnings at most, so a linear scan beats building a Set. */
function dedupe(warnings: readonly string[]): string[] {
  const unique: string[] = [];
  for (const warning of warnings) if (!unique.includes(warning)) unique.push(warning);
  return unique;
}

/** Scores one validated company into the wire payload (spec §9), keys in the documented order. */
export function buildPayload(company: Company, context: NormContext, weights: Weights, options: PayloadOptions): ScorePayload {
  const started = options.deterministic ? 0 : performance.now();
  const w = weights.weights;
  const { values, warnings: rawWarnings, bounded } = computeSubscores(company, context);
  const raw = rawScore(values, w);
  const confidence = modelConfidence(values, rawWarnings);
  const riskDetail = assessRisk(company);
  const feasibility = assessFeasibility(company);
  const masked = options.mask && !feasibility.overall_feasible;
  const warnings = dedupe(rawWarnings);
  if (masked) warnings.push(MASKED_WARNING);

  const subscoreEntry = (name: SubscoreName) => ({
    score: masked ? 0 : values[name] * 100,
    confidence,
    weight: w[name],
    weighted_contribution: masked ? 0 : contributionPoints(w[name], values[name]),
  });
  const dataConfidence = company.meta.source_confidence;

  const payload: ScorePayload = {
    company_id: company.company_id,
    final_score: masked ? 0 : finalScore(raw),
    interpretation: masked ? maskedInterpretation(feasibility) : interpretation(raw),
    subscores: {
      digital: subscoreEntry('digital'),
      ops: subscoreEntry('ops'),
      info_flow: subscoreEntry('info_flow'),
      market: subscoreEntry('market'),
      budget: subscoreEntry('budget'),
    },
    explanation: masked ? maskedExplanation(feasibility) : explanation(values, w, rawWarnings),
    warnings,
    model_confidence: confidence,
    data_source_confidence: dataConfidence,
    combined_confidence: Math.sqrt(dataConfidence * confidence),
    risk: riskDetail.risk,
    feasibility,
    recommendation: recommend(riskDetail.risk, feasibility),
    masked,
    metadata: {
      version: { api: API_VERSION, engine: ENGINE_VERSION, weights: weights.version },
      norm_context: { version: context.version, checksum: context.checksum },
      timestamp: options.deterministic ? DETERMINISTIC_TIMESTAMP : new Date().toISOString(),
      processing_time_ms: 0,
    },
  };
  if (options.verbose) Object.assign(payload, verboseSections(company, values, bounded, w, riskDetail));
  if (!options.deterministic) payload.metadata.processing_time_ms = Math.round((performance.now() - started) * 1000) / 1000;
  return payload;
}

function verboseSections(company: Company, values: Subscores, bounded: Features, w: Weights['weights'], riskDetail: RiskDetail) {
  const verbose_subscores = Object.fromEntries(
    SUBSCORE_NAMES.map((name) => [
      name,
      {
        inputs: Object.fromEntries(SUBSCORE_INPUTS[name].map(([field, feature, read]) => [field, { raw: read(company), bounded: bounded[feature] }])),
        weight: w[name],
        weighted_contribution: contributionPoints(w[name], values[name]),
        formula: SUBSCORE_FORMULAS[name],
      },
    ]),
  ) as VerboseSubscores;
  const { confidence_threshold, high_risk_composite, medium_risk_composite, composite_weights } = RISK_THRESHOLDS;
  return {
    verbose_subscores,
    verbose_risk: {
      thresholds: { confidence_threshold, high_risk_composite, medium_risk_composite, composite_weights: { ...composite_weights } },
      composite_score: riskDetail.composite,
      missing_fields: riskDetail.missing_fields,
      volatility_factors: riskDetail.volatility_factors,
    },
    verbose_feasibility: {
      thresholds: { ...FEASIBILITY_THRESHOLDS },
      inputs: {
        daily_docs_est: company.info_flow.daily_docs_est,
        crm_flag: company.digital.crm_flag,
        ecom_flag: company.digital.ecom_flag,
        revenue_est_usd: company.budget.revenue_est_usd,
        employees: company.ops.employees,
        pagespeed: company.digital.pagespeed,
      },
    },
  };
}
