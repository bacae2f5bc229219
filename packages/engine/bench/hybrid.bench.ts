/**
 * Hybrid scoring throughput: median µs per adapter conversion and per blend call over ≥ 100,000 runs of
 * the golden vector inputs. Targets ≤ 50 µs per conversion and ≤ 20 µs per blend; the runbook's limits
 * are 10 ms and 50 ms.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adaptRecord, blend, createScorer, scoreHybrid } from '../src/index.js';
import { medianMicrosPerItem } from './measure.js';

interface BlendCase {
  ai_score: unknown;
  deterministic_score: unknown;
  strategy: string;
  options: Record<string, unknown>;
}

const readCases = <T>(name: string): T[] =>
  readFileSync(fileURLToPath(new URL(`../test/fixtures/golden/${name}`, import.meta.url)), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);

const records = readCases<{ input: unknown }>('adapter-cases.jsonl').map((c) => c.input);
const blendCases = readCases<BlendCase>('blend-cases.jsonl');
const requests = blendCases.map((c, i) => ({ record: records[i % records.length], ai_score: c.ai_score, strategy: c.strategy, ...c.options }));
const now = new Date();
const scorer = createScorer({ deterministic: true });
const RUNS = 120_000;

const figures: [label: string, micros: number, bounds: string][] = [
  ['adapter conversion', medianMicrosPerItem(records, RUNS / records.length, (record) => adaptRecord(record, now)), 'target ≤ 50 µs, runbook limit 10 ms'],
  [
    'blend call',
    medianMicrosPerItem(blendCases, RUNS / blendCases.length, (c) => blend(c.ai_score, c.deterministic_score, { strategy: c.strategy, ...c.options })),
    'target ≤ 20 µs, runbook limit 50 ms',
  ],
  ['scoreHybrid (adapt + score + blend)', medianMicrosPerItem(requests, RUNS / requests.length, (request) => scoreHybrid(request, scorer, now)), 'the sum of the above plus scoring'],
];

console.log(`hybrid bench: ${RUNS} runs per figure over the golden vector inputs, Node ${process.version}`);
for (const [label, micros, bounds] of figures) console.log(`  ${label.padEnd(36)} median ${micros.toFixed(2)} µs/call  (${bounds})`);
