import type { FeatureStats, NormContext } from './context.js';
import { FEATURE_NAMES, extractFeatures, type Features } from './features.js';
import type { Company } from './schema.js';

/** z-scores are clipped here so one extreme company cannot saturate the sigmoid for the cohort. */
const Z_CLIP = 3;
/** Even near-zero-confidence data keeps a tenth of its signal. */
const MIN_CONFIDENCE_FACTOR = 0.1;

/** A feature mapped into [0, 1] against the context, then damped by the data's confidence (spec §2). */
export function boundedValue(x: number, stat: FeatureStats[keyof FeatureStats], confidence: number): number {
  let normalized = 0.5;
  if (stat.std !== 0) {
    const z = Math.min(Z_CLIP, Math.max(-Z_CLIP, (x - stat.mean) / stat.std));
    normalized = 1 / (1 + Math.exp(-z));
  }
  return normalized * Math.max(MIN_CONFIDENCE_FACTOR, confidence);
}

/** Every feature of a company as its bounded value (the `f.<feature>` of the spec). */
export function normalize(company: Company, context: NormContext): Features {
  const raw = extractFeatures(company);
  const confidence = company.meta.source_confidence;
  const bounded = {} as Features;
  for (const name of FEATURE_NAMES) bounded[name] = boundedValue(raw[name], context.stats[name], confidence);
  return bounded;
}
