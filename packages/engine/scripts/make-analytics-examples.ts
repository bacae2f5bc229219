/**
 * Writes the demo inputs of `echo-ridge calibrate` and `echo-ridge drift` from the sample cohort
 * (examples/companies.jsonl). Everything here is SYNTHETIC and deterministic (seeded):
 *
 * - examples/labeled.jsonl: each company with a made-up `ground_truth_score` = 100·Σ wᵢ·subscoreᵢ under
 *   HIDDEN_WEIGHTS (not the shipped ones), plus Gaussian noise (sd LABEL_NOISE), clamped to [0, 100] and
 *   rounded to one decimal. Subscores use the default context. Calibration should find weights near the
 *   hidden ones; the labels say nothing about real companies.
 * - examples/drift-current.jsonl: the cohort with planted drift: industry_growth_pct ×10 (a source that
 *   switched from percent to per mille: a critical mean shift), 35 more locations each (a warning-level
 *   shift), revenue_est_usd missing on every 8th record (a critical null-rate increase) and ecom_flag
 *   true everywhere (a detector that flags every site as a shop: 1.3 std, no field alert of its own, but
 *   with the shifts above it moves the score distribution).
 *
 * Run: npx tsx packages/engine/scripts/make-analytics-examples.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../src/analytics/random.js';
import { defaultContext } from '../src/default-context.js';
import { rawScore } from '../src/final-score.js';
import { validateCompany } from '../src/schema.js';
import { computeSubscores } from '../src/subscores.js';

const HIDDEN_WEIGHTS = { digital: 0.35, ops: 0.1, info_flow: 0.25, market: 0.15, budget: 0.15 };
const LABEL_NOISE = 3;
const SEED = 20250911;
const GROWTH_UNIT_FACTOR = 10;
const EXTRA_LOCATIONS = 35;
const MISSING_REVENUE_EVERY = 8;

const examples = (name: string): string => fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));

const records = readFileSync(examples('companies.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map(
    (line) =>
      JSON.parse(line) as Record<string, unknown> & {
        digital: { ecom_flag: boolean };
        ops: { locations: number };
        market: { industry_growth_pct: number };
        budget: Record<string, unknown>;
      },
  );

const random = createRandom(SEED);
const labeled = records.map((record, i) => {
  const checked = validateCompany(record);
  if (!checked.ok) throw new Error(`examples/companies.jsonl line ${i + 1} is invalid: ${JSON.stringify(checked.issues)}`);
  const signal = rawScore(computeSubscores(checked.value, defaultContext).values, HIDDEN_WEIGHTS);
  const truth = Math.min(100, Math.max(0, signal + LABEL_NOISE * random.normal()));
  return JSON.stringify({ ...record, ground_truth_score: Math.round(truth * 10) / 10 });
});
writeFileSync(examples('labeled.jsonl'), `${labeled.join('\n')}\n`);

const drifted = records.map((record, i) => {
  const copy = structuredClone(record);
  copy.market.industry_growth_pct = Math.round(copy.market.industry_growth_pct * GROWTH_UNIT_FACTOR * 100) / 100;
  copy.ops.locations += EXTRA_LOCATIONS;
  copy.digital.ecom_flag = true;
  if (i % MISSING_REVENUE_EVERY === 0) delete copy.budget.revenue_est_usd;
  return JSON.stringify(copy);
});
writeFileSync(examples('drift-current.jsonl'), `${drifted.join('\n')}\n`);

console.log(`wrote ${labeled.length} synthetic labels to examples/labeled.jsonl and ${drifted.length} drifted records to examples/drift-current.jsonl`);
