import type { SubscoreName } from '../subscores.js';

/** The AI side names subscores by initial (DIMB scoring); blending works in those names. */
export const DIMENSIONS = ['D', 'O', 'I', 'M', 'B'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_SUBSCORES: Record<Dimension, SubscoreName> = {
  D: 'digital',
  O: 'ops',
  I: 'info_flow',
  M: 'market',
  B: 'budget',
};

/** Builds a per-dimension record in D, O, I, M, B order. */
export function mapDimensions<T>(build: (dimension: Dimension) => T): Record<Dimension, T> {
  return { D: build('D'), O: build('O'), I: build('I'), M: build('M'), B: build('B') };
}

export interface DimensionScore {
  score: number;
  confidence: number;
  evidence: string;
}

/** One side of a blend in common terms, as `component_scores` reports it; the AI may leave dimensions out. */
export interface ComponentScore {
  overall_score: number;
  subscores: Partial<Record<Dimension, DimensionScore>>;
  confidence: number;
  explanation: string;
}

/** The deterministic side always has all five dimensions. */
export interface DeterministicComponent extends ComponentScore {
  subscores: Record<Dimension, DimensionScore>;
}
