import { describe, expect, it } from '@jest/globals';
import { divergenceLevel, measureDivergence } from '../../src/hybrid/divergence.js';
import type { ComponentScore, DeterministicComponent } from '../../src/hybrid/dimensions.js';

describe('divergenceLevel', () => {
  it.each([
    [0, 'normal'],
    [0.19999999, 'normal'],
    [0.2, 'monitor'],
    [0.3, 'monitor'],
    [0.4, 'monitor'],
    [0.40000001, 'investigate'],
    [1, 'investigate'],
  ])('max divergence %p is %s', (maxDivergence, level) => {
    expect(divergenceLevel(maxDivergence)).toBe(level);
  });
});

describe('measureDivergence', () => {
  const dimension = (score: number) => ({ score, confidence: 1, evidence: '' });
  const deterministic: DeterministicComponent = {
    overall_score: 0.5,
    subscores: { D: dimension(0.5), O: dimension(0.5), I: dimension(0.5), M: dimension(0.5), B: dimension(0.5) },
    confidence: 1,
    explanation: '',
  };

  it('counts a dimension the AI left out as 0 and flags gaps strictly above the threshold', () => {
    const ai: ComponentScore = { overall_score: 0.6, subscores: { D: dimension(0.75), O: dimension(0.5), I: dimension(0.8), M: dimension(0.45) }, confidence: 0.8, explanation: '' };
    const result = measureDivergence(ai, deterministic, 0.25);
    expect(result.divergences).toEqual({ overall: expect.closeTo(0.1, 12), component_D: 0.25, component_O: 0, component_I: expect.closeTo(0.3, 12), component_M: expect.closeTo(0.05, 12), component_B: 0.5 });
    expect(result.flags).toEqual(['Component I divergence: 0.300 > 0.25', 'Component B divergence: 0.500 > 0.25']);
    expect(result.has_significant_divergence).toBe(true);
    expect(result.max_divergence).toBe(0.5);
    expect(result.level).toBe('investigate');
  });

  it('reports no flags and the normal level when both sides agree', () => {
    const ai: ComponentScore = { ...deterministic, confidence: 0.8 };
    expect(measureDivergence(ai, deterministic, 0.3)).toMatchObject({ flags: [], has_significant_divergence: false, max_divergence: 0, level: 'normal' });
  });
});
