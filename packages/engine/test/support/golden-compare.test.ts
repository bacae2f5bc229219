import { describe, expect, it } from '@jest/globals';
import { goldenDifferences } from './golden-compare.js';

describe('goldenDifferences', () => {
  it('accepts numbers within 1e-9 relative and 1e-12 absolute near zero', () => {
    expect(goldenDifferences(0.4050795280421666, 0.4050795280421667)).toEqual([]);
    expect(goldenDifferences(1000 + 5e-7, 1000)).toEqual([]);
    expect(goldenDifferences(5e-13, 0)).toEqual([]);
  });

  it('reports numbers outside the tolerance with their path', () => {
    expect(goldenDifferences({ a: { b: 0.5 } }, { a: { b: 0.5000001 } })).toEqual(['$.a.b: expected 0.5000001, got 0.5']);
    expect(goldenDifferences(2e-12, 0)).toEqual(['$: expected 0, got 2e-12']);
  });

  it('allows extra keys but requires every expected key', () => {
    expect(goldenDifferences({ a: 1, extra: true }, { a: 1 })).toEqual([]);
    expect(goldenDifferences({ extra: true }, { a: 1 })).toEqual(['$.a: missing (expected 1)']);
  });

  it('compares strings, booleans, null and array lengths exactly', () => {
    expect(goldenDifferences('True', 'true')).toEqual(['$: expected "true", got "True"']);
    expect(goldenDifferences(false, null)).toEqual(['$: expected null, got false']);
    expect(goldenDifferences(['x'], ['x', 'y'])).toEqual(['$: expected 2 items, got 1: ["x"]']);
    expect(goldenDifferences('7', 7)).toEqual(['$: expected 7, got "7"']);
  });
});
