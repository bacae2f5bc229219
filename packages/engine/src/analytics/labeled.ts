import * as v from 'valibot';
import type { NormContext } from '../context.js';
import { rawScore } from '../final-score.js';
import { CompanySchema, validateWith, type ValidationIssue } from '../schema.js';
import { computeSubscores, type Subscores } from '../subscores.js';
import type { ComponentWeights } from '../weights.js';
import { AnalyticsInputError } from './errors.js';

const GroundTruthSchema = v.object({
  ground_truth_score: v.pipe(
    v.number('must be a number from 0 to 100'),
    v.finite('must be a number from 0 to 100'),
    v.minValue(0, 'must be a number from 0 to 100'),
    v.maxValue(100, 'must be a number from 0 to 100'),
  ),
});

/** A company record with the outcome it was judged to deserve: the label calibration and sensitivity rank against. */
export const LabeledCompanySchema = v.object({ ...CompanySchema.entries, ...GroundTruthSchema.entries });
export type LabeledCompany = v.InferOutput<typeof LabeledCompanySchema>;

/**
 * One line of a labelled file: `scored` when label and company are valid; `unscored` when the label is
 * valid but the company is not (it counts as labelled, yet cannot be scored); `unlabeled` otherwise.
 */
export type LabeledLine =
  | { line: number; status: 'scored'; company: LabeledCompany }
  | { line: number; status: 'unscored' | 'unlabeled'; issues: ValidationIssue[] };

export function checkLabeledRecord(record: unknown, line: number): LabeledLine {
  const label = validateWith(GroundTruthSchema, record);
  const full = validateWith(LabeledCompanySchema, record);
  if (full.ok) return { line, status: 'scored', company: full.value };
  return { line, status: label.ok ? 'unscored' : 'unlabeled', issues: full.issues };
}

/** Fewest lines with a valid label that a calibration is run on. */
export const MIN_LABELED_LINES = 5;
/** Fewest labelled companies a ranking comparison is made on. */
export const MIN_SCORED_LABELED = 3;

/** The scorable companies of a labelled file, refusing a file with too few labels or scorable lines. */
export function requireLabeled(lines: readonly LabeledLine[]): LabeledCompany[] {
  const labeled = lines.filter((line) => line.status !== 'unlabeled').length;
  const companies = lines.flatMap((line) => (line.status === 'scored' ? [line.company] : []));
  if (labeled < MIN_LABELED_LINES) {
    throw new AnalyticsInputError(`need at least ${MIN_LABELED_LINES} lines with a valid ground_truth_score (a number from 0 to 100), got ${labeled}; fix or add labelled lines`);
  }
  if (companies.length < MIN_SCORED_LABELED) {
    throw new AnalyticsInputError(`need at least ${MIN_SCORED_LABELED} labelled lines whose company record is valid, got ${companies.length}; fix the records named in the line errors`);
  }
  return companies;
}

/**
 * Labelled companies reduced to what re-weighting needs: subscores depend on the context only, so they are
 * computed once and every candidate weight set costs a dot product per company.
 */
export interface LabeledSet {
  subscores: Subscores[];
  truths: number[];
}

export function prepareLabeled(companies: readonly LabeledCompany[], context: NormContext): LabeledSet {
  return {
    subscores: companies.map((company) => computeSubscores(company, context).values),
    truths: companies.map((company) => company.ground_truth_score),
  };
}

/**
 * The unrounded, unmasked final score under `weights`. Masking zeroes infeasible companies whatever the
 * weights, so it carries no information about them and is left out of what they are judged on.
 */
export function scoresUnder(set: LabeledSet, weights: ComponentWeights): number[] {
  return set.subscores.map((values) => rawScore(values, weights));
}

/** The companies at `indices` (with repeats), for resampling. */
export function selectLabeled(set: LabeledSet, indices: readonly number[]): LabeledSet {
  return { subscores: indices.map((i) => set.subscores[i]!), truths: indices.map((i) => set.truths[i]!) };
}

/** Refuses a set on which Kendall tau would be undefined, saying what the labels lack. */
export function assertRankable(set: LabeledSet): void {
  if (set.truths.length < MIN_SCORED_LABELED) {
    throw new AnalyticsInputError(`need at least ${MIN_SCORED_LABELED} scorable labelled companies, got ${set.truths.length}`);
  }
  if (set.truths.every((truth) => truth === set.truths[0])) {
    throw new AnalyticsInputError(`every ground_truth_score is ${set.truths[0]}; a ranking cannot be compared with a constant label — label companies with different outcomes`);
  }
}
