import { describe, expect, it } from '@jest/globals';
import type { Divergence } from '@echo-ridge/engine';
import { DivergenceTally } from '../src/divergence-tally.js';

function divergence(level: Divergence['level'], flagged: boolean): Divergence {
  const gaps = { overall: 0, component_D: 0, component_O: 0, component_I: 0, component_M: 0, component_B: 0 };
  return { divergences: gaps, flags: flagged ? ['flag'] : [], has_significant_divergence: flagged, max_divergence: 0, level };
}

describe('DivergenceTally', () => {
  it('counts levels and flagged blends', () => {
    const tally = new DivergenceTally();
    [divergence('normal', false), divergence('monitor', true), divergence('investigate', true), divergence('monitor', false)].forEach((d) => tally.add(d));
    expect(tally.summary()).toEqual(['  divergence levels: normal 1, monitor 2, investigate 1', '  flagged (a divergence above its threshold): 2 of 4 (50.0 %)']);
  });

  it('warns only above half of the blends flagged', () => {
    const tally = new DivergenceTally();
    [divergence('monitor', true), divergence('investigate', true), divergence('normal', false)].forEach((d) => tally.add(d));
    expect(tally.summary()[2]).toBe("  WARNING: 66.7 % of blends flagged, above the runbook's warning level of 50 %");
  });
});
