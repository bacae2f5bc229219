import { pyFixed, pyFloatRepr } from '../format.js';
import { aiDimension } from './ai-score.js';
import { DIMENSIONS, mapDimensions, type ComponentScore, type DeterministicComponent, type Dimension } from './dimensions.js';

export type DivergenceLevel = 'normal' | 'monitor' | 'investigate';

/** Runbook bands of the largest divergence: below MONITOR normal, up to and including INVESTIGATE monitor. */
const MONITOR_FROM = 0.2;
const INVESTIGATE_ABOVE = 0.4;

export function divergenceLevel(maxDivergence: number): DivergenceLevel {
  if (maxDivergence < MONITOR_FROM) return 'normal';
  return maxDivergence > INVESTIGATE_ABOVE ? 'investigate' : 'monitor';
}

export interface Divergence {
  divergences: { overall: number } & Record<`component_${Dimension}`, number>;
  flags: string[];
  has_significant_divergence: boolean;
  max_divergence: number;
  level: DivergenceLevel;
}

/** How far the AI and the deterministic scores lie apart, overall and per dimension, and which gaps exceed `threshold`. */
export function measureDivergence(ai: ComponentScore, deterministic: DeterministicComponent, threshold: number): Divergence {
  const overall = Math.abs(ai.overall_score - deterministic.overall_score);
  const gaps = mapDimensions((dimension) => Math.abs(aiDimension(ai, dimension).score - deterministic.subscores[dimension].score));
  const labelled: [string, number][] = [['Overall score', overall], ...DIMENSIONS.map((dimension): [string, number] => [`Component ${dimension}`, gaps[dimension]])];
  const flags = labelled.filter(([, gap]) => gap > threshold).map(([label, gap]) => `${label} divergence: ${pyFixed(gap, 3)} > ${pyFloatRepr(threshold)}`);
  const maxDivergence = Math.max(...labelled.map(([, gap]) => gap));
  return {
    divergences: { overall, component_D: gaps.D, component_O: gaps.O, component_I: gaps.I, component_M: gaps.M, component_B: gaps.B },
    flags,
    has_significant_divergence: flags.length > 0,
    max_divergence: maxDivergence,
    level: divergenceLevel(maxDivergence),
  };
}
