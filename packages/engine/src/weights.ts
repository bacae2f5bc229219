import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { parse } from 'yaml';
import { toValidationIssues } from './schema.js';
import { SUBSCORE_NAMES, type SubscoreName } from './subscores.js';

const weight = v.pipe(v.number('must be a number'), v.finite('must be a finite number'));

const ComponentWeightsSchema = v.pipe(
  v.object({
    digital: weight,
    ops: v.optional(weight),
    /** The 1.1.0 engine's name for `ops`. */
    operations: v.optional(weight),
    info_flow: weight,
    market: weight,
    budget: weight,
  }),
  v.check((w) => w.ops !== undefined || w.operations !== undefined, 'ops (or its alias operations) is required'),
  v.check((w) => w.ops === undefined || w.operations === undefined, 'give ops or operations, not both'),
  v.transform(({ ops, operations, ...rest }) => ({ ...rest, ops: (ops ?? operations)! })),
);

export const CalibrationEvidenceSchema = v.object({
  sample_size: v.number(),
  kendall_tau: v.number(),
  spearman_rho: v.number(),
  pearson_r: v.number(),
  p_value: v.number(),
  confidence_interval: v.tuple([v.number(), v.number()]),
  validation_date: v.string(),
});

export const WeightsFileSchema = v.object({
  // YAML reads an unquoted 1.0 as the number 1; refusing it beats silently publishing version "1".
  version: v.string('must be a quoted version string such as "1.0"'),
  frozen: v.optional(v.boolean('must be true or false'), true),
  weights: ComponentWeightsSchema,
  constraints: v.object({
    min_component_weight: weight,
    max_component_weight: weight,
    sum_tolerance: v.optional(weight, 1e-9),
    change_threshold: v.optional(weight, 0.05),
  }),
  rationale: v.optional(v.record(v.string(), v.string())),
  calibration: v.optional(v.nullable(CalibrationEvidenceSchema), null),
  changelog: v.optional(
    v.array(v.object({ version: v.string('must be a quoted version string such as "1.0"'), date: v.string('must be a quoted date such as "2025-01-15"'), change: v.string() })),
    [],
  ),
});

export type Weights = v.InferOutput<typeof WeightsFileSchema>;
export type ComponentWeights = Record<SubscoreName, number>;

export class WeightsError extends Error {
  override readonly name = 'WeightsError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid weights in ${source}: ${problems.join('; ')}`);
  }
}

/** Every constraint a weight set breaks, each naming the weight and the bound (empty when valid). */
export function checkWeights(weights: Weights): string[] {
  const { min_component_weight: min, max_component_weight: max, sum_tolerance: tolerance } = weights.constraints;
  const problems: string[] = [];
  for (const name of SUBSCORE_NAMES) {
    const w = weights.weights[name];
    if (w < min) problems.push(`weights.${name} = ${w} is below min_component_weight ${min}`);
    if (w > max) problems.push(`weights.${name} = ${w} is above max_component_weight ${max}`);
  }
  const sum = SUBSCORE_NAMES.reduce((total, name) => total + weights.weights[name], 0);
  if (Math.abs(sum - 1) > tolerance) problems.push(`weights sum to ${sum}, not 1 (sum_tolerance ${tolerance})`);
  return problems;
}

/** Parses and validates a weights file's text; `source` names the file in errors. */
export function parseWeights(text: string, source = 'weights.yaml'): Weights {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new WeightsError(source, [`not valid YAML (${(error as Error).message.split('\n')[0]})`]);
  }
  const parsed = v.safeParse(WeightsFileSchema, document);
  if (!parsed.success) throw new WeightsError(source, toValidationIssues(parsed.issues).map((issue) => `${issue.path} ${issue.message}`));
  const problems = checkWeights(parsed.output);
  if (problems.length > 0) throw new WeightsError(source, problems);
  return parsed.output;
}

/** The repository's weights.yaml; functions point WEIGHTS_CONFIG_PATH at their bundled copy instead. */
export const DEFAULT_WEIGHTS_PATH = fileURLToPath(new URL('../../../weights.yaml', import.meta.url));

/** Reads and validates weights: the one file the engine reads. */
export function loadWeights(path = process.env.WEIGHTS_CONFIG_PATH ?? DEFAULT_WEIGHTS_PATH): Weights {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new WeightsError(path, [`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  return parseWeights(text, path);
}
