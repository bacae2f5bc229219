import { expect } from '@jest/globals';

/**
 * The golden vectors' comparison rules: numbers to 1e-9 relative (1e-12 absolute near 0), strings and
 * booleans exactly, every key of `expected` present in `actual` with an equal value, extra keys allowed.
 */
export function goldenMismatches(actual: unknown, expected: unknown, path = '$'): string[] {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return [`${path}: expected number ${expected}, got ${JSON.stringify(actual)}`];
    const tolerance = Math.max(1e-12, 1e-9 * Math.abs(expected));
    return Math.abs(actual - expected) <= tolerance ? [] : [`${path}: expected ${expected}, got ${actual}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${JSON.stringify(actual)}`];
    if (actual.length !== expected.length) return [`${path}: expected ${expected.length} items ${JSON.stringify(expected)}, got ${actual.length} ${JSON.stringify(actual)}`];
    return expected.flatMap((item, i) => goldenMismatches(actual[i], item, `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) =>
      key in actual ? goldenMismatches((actual as Record<string, unknown>)[key], value, `${path}.${key}`) : [`${path}.${key}: missing`],
    );
  }
  return actual === expected ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

export function expectGoldenMatch(actual: unknown, expected: unknown, path = '$'): void {
  expect(goldenMismatches(actual, expected, path)).toEqual([]);
}
