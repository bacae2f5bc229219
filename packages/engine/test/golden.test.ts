import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createScorer, fitContext, MASKED_WARNING, parseContext, SUBSCORE_NAMES, validateCompany, type Company, type ScorePayload } from '../src/index.js';
import { computeSubscores } from '../src/subscores.js';
import { expectGoldenMatch, goldenDifferences } from './support/golden-compare.js';
import { GOLDEN_DIR, readGolden } from './support/fixtures.js';

type Expected = Record<string, unknown> & { subscores: Record<string, number> };

const companies = readGolden('companies.jsonl').map((record, i) => {
  const result = validateCompany(record);
  if (!result.ok) throw new Error(`golden company ${i + 1} does not validate: ${JSON.stringify(result.issues)}`);
  return result.value;
});
const expected = readGolden<Expected>('expected.jsonl');
const goldenContext = parseContext(JSON.parse(readFileSync(`${GOLDEN_DIR}norm-context.json`, 'utf8')));
const scorer = createScorer({ context: goldenContext, mask: false });

/** The expected file states subscores in [0, 1]; the payload carries them ×100 with weights beside them. */
function comparable(payload: ScorePayload, company: Company) {
  return { ...payload, subscores: computeSubscores(company, goldenContext).values };
}

describe('golden vectors (engine 1.1.0 parity)', () => {
  it('has 120 companies and 120 expectations', () => {
    expect(companies).toHaveLength(120);
    expect(expected).toHaveLength(120);
  });

  it.each(companies.map((company, i) => [i + 1, company.company_id, company, expected[i]!] as const))(
    'line %i (%s) reproduces every expected field',
    (_line, _id, company, want) => {
      const payload = scorer.score(company);
      expectGoldenMatch(comparable(payload, company), want);
      for (const name of SUBSCORE_NAMES) expect(payload.subscores[name].score).toBeCloseTo(want.subscores[name]! * 100, 9);
    },
  );

  it('refitting the companies reproduces norm-context.json', () => {
    const refit = fitContext(companies, { confidenceThreshold: 0.7 });
    expectGoldenMatch(refit, JSON.parse(readFileSync(`${GOLDEN_DIR}norm-context.json`, 'utf8')));
  });

  it('with masking on, feasible companies still reproduce every field and infeasible ones differ only where masking says', () => {
    const masking = createScorer({ context: goldenContext, mask: true });
    const maskedFields = ['final_score', 'interpretation', 'explanation', 'warnings'];
    let infeasible = 0;
    companies.forEach((company, i) => {
      const payload = masking.score(company);
      const want = expected[i]!;
      expect(payload.masked).toBe(!payload.feasibility.overall_feasible);
      if (!payload.masked) return expectGoldenMatch(comparable(payload, company), want);
      infeasible += 1;
      const kept = Object.fromEntries(Object.entries(want).filter(([key]) => !maskedFields.includes(key) && key !== 'subscores'));
      expectGoldenMatch(payload, kept);
      expect(payload.warnings).toEqual([...(want.warnings as string[]), MASKED_WARNING]);
      expect(payload.interpretation).toMatch(/^Not feasible now: [a-z_, ]+ failed$/);
    });
    expect(infeasible).toBeGreaterThan(0);
    expect(infeasible).toBeLessThan(companies.length);
  });

  it('the comparison itself fails on a changed value', () => {
    const payload = comparable(scorer.score(companies[0]!), companies[0]!);
    expect(goldenDifferences({ ...payload, final_score: payload.final_score + 0.1 }, expected[0])).not.toEqual([]);
    expect(goldenDifferences({ ...payload, warnings: [] }, expected[0])).not.toEqual([]);
  });
});

const sharedGolden = fileURLToPath(new URL('../../../../shared/golden/', import.meta.url));

// A user's clone has no ../shared; where it exists (the workplace, CI), the copy must not have drifted.
(existsSync(sharedGolden) ? describe : describe.skip)('fixture copy of ../shared/golden', () => {
  it.each(existsSync(sharedGolden) ? readdirSync(sharedGolden) : ['(none)'])('%s is identical to the shared original', (name) => {
    expect(readFileSync(`${GOLDEN_DIR}${name}`, 'utf8')).toBe(readFileSync(`${sharedGolden}${name}`, 'utf8'));
  });
});
