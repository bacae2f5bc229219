import { pyFixed, pyRound } from './format.js';
import { SUBSCORE_NAMES, type SubscoreName, type Subscores } from './subscores.js';
import type { ComponentWeights } from './weights.js';

/** 100·Σ wᵢ·subscoreᵢ in weight order, clamped to [0, 100]. */
export function rawScore(values: Subscores, weights: ComponentWeights): number {
  let sum = 0;
  for (const name of SUBSCORE_NAMES) sum += weights[name] * values[name];
  return Math.min(100, Math.max(0, 100 * sum));
}

/** One decimal, half-to-even on the exact binary value as the 1.1.0 engine rounded. */
export function finalScore(raw: number): number {
  return pyRound(raw, 1);
}

const INTERPRETATIONS: readonly [number, string][] = [
  [76, 'Excellent - Proceed with high confidence'],
  [51, 'Good - Low risk, monitor key metrics'],
  [26, 'Fair - Moderate risk, additional review needed'],
];

export function interpretation(raw: number): string {
  for (const [floor, text] of INTERPRETATIONS) if (raw >= floor) return text;
  return 'Poor - High risk, detailed analysis required';
}

/** Starts at 1 and loses confidence for empty subscores, low-confidence data and errors, in that order. */
export function modelConfidence(values: Subscores, warnings: readonly string[]): number {
  let confidence = 1.0;
  confidence -= 0.1 * SUBSCORE_NAMES.filter((name) => values[name] === 0).length;
  confidence -= 0.2 * warnings.filter((w) => w.includes('LOW_CONFIDENCE')).length;
  confidence -= 0.3 * warnings.filter((w) => w.includes('ERROR')).length;
  return Math.min(1, Math.max(0, confidence));
}

/** A subscore's points in the final score. */
export function contributionPoints(weight: number, value: number): number {
  return 100 * weight * value;
}

/** The plain-language summary: strongest and weakest contributions, then notable conditions. */
export function explanation(values: Subscores, weights: ComponentWeights, warnings: readonly string[]): string {
  const contributions = SUBSCORE_NAMES.map((name: SubscoreName) => ({ name, points: contributionPoints(weights[name], values[name]) }));
  contributions.sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
  const strongest = contributions[0]!;
  const weakest = contributions[contributions.length - 1]!;
  const parts: string[] = [];
  if (strongest.points > 10) parts.push(`Strong ${strongest.name} performance (${pyFixed(strongest.points, 1)} points)`);
  else if (strongest.points > 0) parts.push(`Moderate ${strongest.name} strength (${pyFixed(strongest.points, 1)} points)`);
  else parts.push('No dominant strengths identified');
  if (weakest.points < -5) parts.push(`significant ${weakest.name} challenges (${pyFixed(weakest.points, 1)} points)`);
  else if (weakest.points < 0) parts.push(`minor ${weakest.name} concerns (${pyFixed(weakest.points, 1)} points)`);
  if (warnings.some((w) => w.includes('HIGH_GROWTH'))) parts.push('operating in high-growth market');
  if (warnings.some((w) => w.includes('HIGH_REVENUE'))) parts.push('large revenue scale');
  if (warnings.some((w) => w.includes('LOW_CONFIDENCE'))) parts.push('limited data confidence');
  return joinParts(parts);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
}

function joinParts(parts: string[]): string {
  const [first = '', ...rest] = parts;
  if (rest.length === 0) return `${capitalize(first)}.`;
  if (rest.length === 1) return `${capitalize(first)} with ${rest[0]}.`;
  return `${capitalize(first)}, ${rest.slice(0, -1).join(', ')} and ${rest[rest.length - 1]}.`;
}
