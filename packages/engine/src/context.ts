import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { canonicalJson } from './canonical-json.js';
import { FEATURE_NAMES, extractFeatures, type FeatureName } from './features.js';
import { toValidationIssues, type Company } from './schema.js';

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

export interface ContextFitter {
  /** Takes one company into the fit; companies below the confidence threshold are passed over. */
  add(company: Company): void;
  /** How many companies the fit holds so far. */
  readonly count: number;
  finish(options?: Pick<FitOptions, 'now' | 'version'>): NormContext;
}

/**
 * An incremental fit that keeps only the eleven features of each kept company (88 bytes), so a file of
 * millions of companies can be fitted while streaming, with the exact two-pass arithmetic of the 1.1.0
 * engine: mean first, then the population variance around it.
 */
export function createContextFitter(options: Pick<FitOptions, 'confidenceThreshold'> = {}): ContextFitter {
  const threshold = options.confidenceThreshold ?? DEFAULT_FIT_THRESHOLD;
  let columns = FEATURE_NAMES.map(() => new Float64Array(1024));
  let n = 0;
  return {
    get count() {
      return n;
    },
    add(company) {
      if (company.meta.source_confidence < threshold) return;
      if (n === columns[0]!.length) {
        columns = columns.map((column) => {
          const grown = new Float64Array(column.length * 2);
          grown.set(column);
          return grown;
        });
      }
      const features = extractFeatures(company);
      FEATURE_NAMES.forEach((name, i) => (columns[i]![n] = features[name]));
      n += 1;
    },
    finish(finishOptions = {}) {
      if (n === 0) throw new ContextError(`No companies meet confidence threshold ${threshold}`);
      const stats = Object.fromEntries(
        FEATURE_NAMES.map((name, i) => {
          const values = columns[i]!.subarray(0, n);
          let sum = 0;
          for (const x of values) sum += x;
          const mean = sum / n;
          let squares = 0;
          for (const x of values) squares += (x - mean) ** 2;
          const variance = squares / n;
          return [name, { mean, std: variance > 0 ? Math.sqrt(variance) : 1.0 }];
        }),
      ) as FeatureStats;
      const content = { confidence_threshold: threshold, stats };
      const checksum = contextChecksum(content);
      const fittedAt = (finishOptions.now ?? new Date()).toISOString();
      return { ...content, version: finishOptions.version ?? contextVersion(fittedAt, checksum), fitted_at: fittedAt, companies_count: n, checksum };
    },
  };
}

/** Fits means and population standard deviations over the companies whose confidence reaches the threshold. */
export function fitContext(companies: Iterable<Company>, options: FitOptions = {}): NormContext {
  const fitter = createContextFitter(options);
  for (const company of companies) fitter.add(company);
  return fitter.finish(options);
}

/**
 * Accepts a stored context (ours, or the 1.1.0 engine's bare `{confidence_threshold, stats}`), refusing
 * one whose checksum does not match its content: a hand-edited context would silently change every score.
 */
export function parseContext(input: unknown): NormContext {
  const parsed = v.safeParse(StoredContextSchema, input);
  if (!parsed.success) {
    const details = toValidationIssues(parsed.issues).map((issue) => `${issue.path} ${issue.message}`).join('; ');
    throw new ContextError(`Invalid normalization context: ${details}`);
  }
  const stored = parsed.output;
  const content = { confidence_threshold: stored.confidence_threshold, stats: stored.stats };
  const checksum = contextChecksum(content);
  // Only the 1.1.0 engine's bare form may come without a checksum: one of ours that lost it was edited.
  const ours = stored.version !== undefined || stored.fitted_at !== null || stored.companies_count !== null;
  if (stored.checksum === undefined && ours) {
    throw new ContextError('Normalization context refused: it has no checksum, so it cannot be shown to be unaltered. Refit it with `echo-ridge fit-context`.');
  }
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
