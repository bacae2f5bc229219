import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { canonicalJson } from './canonical-json.js';
import { FEATURE_NAMES, extractFeatures, type FeatureName } from './features.js';
import type { Company } from './schema.js';

/** Confidence a company's data needs to take part in a fit (spec §2). */
export const DEFAULT_FIT_THRESHOLD = 0.7;

const FeatureStatSchema = v.object({
  mean: v.pipe(v.number('must be a finite number'), v.finite('must be a finite number')),
  std: v.pipe(v.number('must be a number ≥ 0'), v.finite('must be a number ≥ 0'), v.minValue(0, 'must be a number ≥ 0')),
});

const StatsSchema = v.object(
  Object.fromEntries(FEATURE_NAMES.map((name) => [name, FeatureStatSchema])) as Record<FeatureName, typeof FeatureStatSchema>,
);

/** What a context fixes: the fit threshold and one mean/std pair per feature. The checksum covers exactly this. */
export const ContextContentSchema = v.object({
  confidence_threshold: v.pipe(v.number('must be a number from 0 to 1'), v.minValue(0, 'must be a number from 0 to 1'), v.maxValue(1, 'must be a number from 0 to 1')),
  stats: StatsSchema,
});

export const NormContextSchema = v.object({
  ...ContextContentSchema.entries,
  version: v.pipe(v.string(), v.minLength(1)),
  fitted_at: v.nullable(v.string()),
  companies_count: v.nullable(v.number()),
  checksum: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest')),
});

/** A stored context may omit the identity fields: the 1.1.0 engine wrote only threshold and stats. */
const StoredContextSchema = v.object({
  ...ContextContentSchema.entries,
  version: v.optional(NormContextSchema.entries.version),
  fitted_at: v.optional(NormContextSchema.entries.fitted_at, null),
  companies_count: v.optional(NormContextSchema.entries.companies_count, null),
  checksum: v.optional(NormContextSchema.entries.checksum),
});

export type ContextContent = v.InferOutput<typeof ContextContentSchema>;
export type NormContext = v.InferOutput<typeof NormContextSchema>;
export type FeatureStats = ContextContent['stats'];

export class ContextError extends Error {
  override readonly name = 'ContextError';
}

/** SHA-256 of the canonical JSON of `{confidence_threshold, stats}` (keys sorted, no spaces). */
export function contextChecksum(content: ContextContent): string {
  return createHash('sha256')
    .update(canonicalJson({ confidence_threshold: content.confidence_threshold, stats: content.stats }))
    .digest('hex');
}

/** Sortable and unique per content: the fit time, then the start of the checksum. */
function contextVersion(fittedAt: string | null, checksum: string): string {
  const stamp = fittedAt ? fittedAt.replace(/[-:]/g, '').replace(/\.\d+/, '') : 'legacy';
  return `${stamp}-${checksum.slice(0, 12)}`;
}

export interface FitOptions {
  confidenceThreshold?: number;
  /** When the fit happened; a parameter so that a fit is reproducible. */
  now?: Date;
  version?: string;
}

/** Fits means and population standard deviations over the companies whose confidence reaches the threshold. */
export function fitContext(companies: Iterable<Company>, options: FitOptions = {}): NormContext {
  const threshold = options.confidenceThreshold ?? DEFAULT_FIT_THRESHOLD;
  const columns = FEATURE_NAMES.map(() => [] as number[]);
  for (const company of companies) {
    if (company.meta.source_confidence < threshold) continue;
    const features = extractFeatures(company);
    FEATURE_NAMES.forEach((name, i) => columns[i]!.push(features[name]));
  }
  const n = columns[0]!.length;
  if (n === 0) throw new ContextError(`No companies meet confidence threshold ${threshold}`);
  const stats = Object.fromEntries(
    FEATURE_NAMES.map((name, i) => {
      const values = columns[i]!;
      const mean = values.reduce((sum, x) => sum + x, 0) / n;
      const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / n;
      return [name, { mean, std: variance > 0 ? Math.sqrt(variance) : 1.0 }];
    }),
  ) as FeatureStats;
  const content = { confidence_threshold: threshold, stats };
  const checksum = contextChecksum(content);
  const fittedAt = (options.now ?? new Date()).toISOString();
  return { ...content, version: options.version ?? contextVersion(fittedAt, checksum), fitted_at: fittedAt, companies_count: n, checksum };
}

/**
 * Accepts a stored context (ours, or the 1.1.0 engine's bare `{confidence_threshold, stats}`), refusing
 * one whose checksum does not match its content: a hand-edited context would silently change every score.
 */
export function parseContext(input: unknown): NormContext {
  const parsed = v.safeParse(StoredContextSchema, input);
  if (!parsed.success) {
    const details = parsed.issues.map((issue) => `${v.getDotPath(issue) ?? '(context)'} ${issue.message}`).join('; ');
    throw new ContextError(`Invalid normalization context: ${details}`);
  }
  const stored = parsed.output;
  const content = { confidence_threshold: stored.confidence_threshold, stats: stored.stats };
  const checksum = contextChecksum(content);
  if (stored.checksum !== undefined && stored.checksum !== checksum) {
    throw new ContextError(
      `Normalization context refused: checksum ${stored.checksum} does not match its content (${checksum}); it was altered after it was fitted. Refit it with \`echo-ridge fit-context\`.`,
    );
  }
  return {
    ...content,
    version: stored.version ?? contextVersion(stored.fitted_at, checksum),
    fitted_at: stored.fitted_at,
    companies_count: stored.companies_count,
    checksum,
  };
}

/** The form written to disk and S3: content first, identity after, as operators read it. */
export function serializeContext(context: NormContext): string {
  const { version, fitted_at, companies_count, confidence_threshold, stats, checksum } = context;
  return `${JSON.stringify({ version, fitted_at, companies_count, confidence_threshold, stats, checksum }, null, 2)}\n`;
}
