/**
 * Engine throughput: median µs per company for the full payload over ≥ 100,000 scorings of the golden
 * cohort (target ≤ 5 µs on the 2-core reference machine; the 1.1.0 engine needs about 105 µs).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createScorer, parseContext, validateCompany, type Company } from '../src/index.js';
import { medianMicrosPerItem } from './measure.js';

const golden = (name: string) => fileURLToPath(new URL(`../test/fixtures/golden/${name}`, import.meta.url));
const records: unknown[] = readFileSync(golden('companies.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
const companies: Company[] = records.map((record) => {
  const result = validateCompany(record);
  if (!result.ok) throw new Error('golden cohort does not validate');
  return result.value;
});
const context = parseContext(JSON.parse(readFileSync(golden('norm-context.json'), 'utf8')));
const ROUNDS = 1000; // × 120 companies = 120,000 scorings per figure

const scorer = createScorer({ context });
const deterministic = createScorer({ context, deterministic: true });

const figures = [
  ['score (full payload)', medianMicrosPerItem(companies, ROUNDS, (c) => scorer.score(c))],
  ['score, deterministic mode', medianMicrosPerItem(companies, ROUNDS, (c) => deterministic.score(c))],
  ['validate (valibot schema)', medianMicrosPerItem(records, ROUNDS, (r) => validateCompany(r))],
  ['validate + score + JSON.stringify', medianMicrosPerItem(records, ROUNDS, (r) => {
    const result = validateCompany(r);
    if (result.ok) JSON.stringify(scorer.score(result.value));
  })],
] as const;

console.log(`engine bench: ${ROUNDS * companies.length} scorings per figure, Node ${process.version}`);
for (const [label, micros] of figures) console.log(`  ${label.padEnd(36)} median ${micros.toFixed(2)} µs/company`);
console.log(`  target: score ≤ 5 µs/company (1.1.0 engine: ~105 µs)`);
