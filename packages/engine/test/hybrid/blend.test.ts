import { describe, expect, it } from '@jest/globals';
import { blendCase } from '../../src/hybrid/blend-case.js';
import { blend } from '../../src/hybrid/blend.js';
import { HybridInputError } from '../../src/hybrid/errors.js';
import { expectGoldenMatch } from '../support/golden-compare.js';
import { readGolden } from '../support/fixtures.js';
import { thrownBy } from '../support/thrown.js';

interface BlendCase {
  ai_score: Record<string, unknown>;
  deterministic_score: Record<string, unknown>;
  strategy: string;
  options: Record<string, unknown>;
  expected: Record<string, unknown>;
}

const cases = readGolden<BlendCase>('blend-cases.jsonl');
const [firstCase] = cases;
if (!firstCase) throw new Error('blend-cases.jsonl is empty');

function without(record: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

const thrown = (run: () => unknown): HybridInputError => thrownBy(HybridInputError, run);

describe('blend golden vectors', () => {
  it('covers every strategy', () => {
    expect(new Set(cases.map((c) => c.strategy))).toEqual(new Set(['weighted_average', 'max_confidence', 'consensus']));
  });

  it.each(cases.map((c, index) => [index, c.strategy, c] as const))('case %i (%s) reproduces the 1.1.0 result', (_index, _strategy, c) => {
    const result = blendCase(c);
    expectGoldenMatch(result, c.expected);
    expect(blend(c.ai_score, c.deterministic_score, { strategy: c.strategy, ...c.options })).toEqual(result);
  });
});

describe('blend inputs', () => {
  const { ai_score: ai, deterministic_score: deterministic } = firstCase;

  it('uses the defaults of spec §10: weighted_average, ai_weight 0.5, divergence threshold 0.3', () => {
    const result = blend(ai, deterministic);
    expect(result.strategy).toBe('weighted_average');
    expect(result.config).toEqual({ ai_weight: 0.5, divergence_threshold: 0.3 });
    expect(result.blended_score.overall_score).toBeCloseTo(0.5 * 0.976 + 0.5 * 0.451, 12);
    expect(result.divergence.flags[0]).toBe('Overall score divergence: 0.525 > 0.3');
  });

  it('reads the overall AI score from score_summary.weighted_overall when overall_score is absent', () => {
    const result = blend({ ...without(ai, 'overall_score'), score_summary: { weighted_overall: 0.6 } }, deterministic);
    expect(result.component_scores.ai_score.overall_score).toBe(0.6);
  });

  it('takes a deterministic payload whose subscores carry no confidence as fully confident', () => {
    const subscores = Object.fromEntries(Object.keys(deterministic.subscores as object).map((name) => [name, { score: 50 }]));
    const result = blend(ai, { ...deterministic, subscores }, { strategy: 'max_confidence' });
    expect(result.component_scores.deterministic_score.subscores.D).toEqual({ score: 0.5, confidence: 1, evidence: 'Deterministic calculation: 0.50' });
    expect(result.blended_score.subscores.I).toMatchObject({ selected_source: 'deterministic', score: 0.5 });
  });

  it('rejects an AI overall score outside [0, 1], naming the field', () => {
    const error = thrown(() => blend({ ...ai, overall_score: 1.2 }, deterministic));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues).toEqual([{ path: 'ai_score.overall_score', message: 'must be a number from 0 to 1' }]);
    expect(error.message).toBe('Invalid blend input: ai_score.overall_score must be a number from 0 to 1');
  });

  it('rejects an AI dimension value outside [0, 1]', () => {
    const error = thrown(() => blend({ ...ai, dimb_scores: { D: { value: -0.1 } } }, deterministic));
    expect(error.issues).toEqual([{ path: 'ai_score.dimb_scores.D.value', message: 'must be a number from 0 to 1' }]);
  });

  it('requires an overall AI score', () => {
    expect(thrown(() => blend(without(ai, 'overall_score'), deterministic)).issues).toEqual([
      { path: 'ai_score.overall_score', message: 'is required (a number from 0 to 1; or give score_summary.weighted_overall)' },
    ]);
  });

  it('rejects an unknown strategy, listing the known ones', () => {
    expect(thrown(() => blend(ai, deterministic, { strategy: 'median' })).issues).toEqual([
      { path: 'strategy', message: 'must be one of weighted_average, max_confidence, consensus' },
    ]);
  });

  it('rejects weights and thresholds outside [0, 1], reporting all of them together', () => {
    const error = thrown(() => blend(ai, deterministic, { ai_weight: 1.5, divergence_threshold: -0.1, consensus_threshold: '0.2' }));
    expect(error.issues).toEqual([
      { path: 'ai_weight', message: 'must be a number from 0 to 1' },
      { path: 'divergence_threshold', message: 'must be a number from 0 to 1' },
      { path: 'consensus_threshold', message: 'must be a number from 0 to 1' },
    ]);
  });

  it('rejects a deterministic side without subscores', () => {
    expect(thrown(() => blend(ai, without(deterministic, 'subscores'))).issues).toEqual([{ path: 'deterministic_score.subscores', message: 'is required' }]);
  });
});

describe('blend case lines', () => {
  it('names option fields as the line writes them', () => {
    expect(thrown(() => blendCase({ ...firstCase, options: { ai_weight: 2 } })).issues).toEqual([{ path: 'options.ai_weight', message: 'must be a number from 0 to 1' }]);
    expect(thrown(() => blendCase({ ...firstCase, options: 'fast' })).issues).toEqual([
      { path: 'options', message: 'must be an object with ai_weight, divergence_threshold and consensus_threshold' },
    ]);
  });

  it('defaults a line without strategy and options', () => {
    const result = blendCase({ ai_score: firstCase.ai_score, deterministic_score: firstCase.deterministic_score });
    expect(result.strategy).toBe('weighted_average');
    expect(result.config).toEqual({ ai_weight: 0.5, divergence_threshold: 0.3 });
  });
});
