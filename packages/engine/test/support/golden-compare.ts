import { expect } from '@jest/globals';

const RELATIVE_TOLERANCE = 1e-9;
const ABSOLUTE_TOLERANCE = 1e-12;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numbersMatch(actual: number, expected: number): boolean {
  const scale = Math.max(Math.abs(actual), Math.abs(expected));
  return Math.abs(actual - expected) <= Math.max(RELATIVE_TOLERANCE * scale, ABSOLUTE_TOLERANCE);
}

const show = (value: unknown) => JSON.stringify(value) ?? String(value);

/**
 * Every way `actual` departs from `expected` under the golden-vector rules (golden/README.md): numbers to
 * 1e-9 relative (1e-12 absolute near 0), everything else exactly, keys of `expected` required, extra keys
 * in `actual` allowed. Each entry names the path of one difference.
 */
export function goldenDifferences(actual: unknown, expected: unknown, path = '$'): string[] {
  if (typeof expected === 'number') {
    return typeof actual === 'number' && numbersMatch(actual, expected) ? [] : [`${path}: expected ${show(expected)}, got ${show(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${show(actual)}`];
    if (actual.length !== expected.length) return [`${path}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`];
    return expected.flatMap((item, index) => goldenDifferences(actual[index], item, `${path}[${index}]`));
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return [`${path}: expected an object, got ${show(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) =>
      key in actual ? goldenDifferences(actual[key], value, `${path}.${key}`) : [`${path}.${key}: missing (expected ${show(value)})`],
    );
  }
  return Object.is(actual, expected) ? [] : [`${path}: expected ${show(expected)}, got ${show(actual)}`];
}

/** Fails with the list of differing paths when `actual` does not match a golden `expected` value. */
export function expectGoldenMatch(actual: unknown, expected: unknown, path = '$'): void {
  expect(goldenDifferences(actual, expected, path)).toEqual([]);
}
