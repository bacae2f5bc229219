import { describe, expect, it } from '@jest/globals';
import { evaluateExpression, referencedIds, type Series } from '../src/index.js';

/** Series in the documentation's notation: one value per period, `-` for none. */
const GRID = [0, 60_000, 120_000, 180_000, 240_000];
const ts = (...values: (number | '-')[]): Series => new Map(values.flatMap((value, index) => (value === '-' ? [] : [[GRID[index]!, value] as [number, number]])));
const listed = (series: Series, length: number) => GRID.slice(0, length).map((time) => series.get(time) ?? '-');
const run = (expression: string, metrics: Record<string, Series>, length = 5) => {
  const value = evaluateExpression(expression, {
    grid: GRID.slice(0, length),
    series: (id) => metrics[id] ?? new Map(),
  });
  if (value.kind !== 'series') throw new Error(`${expression} is not a series`);
  return listed(value.series, length);
};

// Amazon CloudWatch User Guide, "Using metric math", section "Comparison and logical operators".
describe('comparison and logical operators (docs: "Using metric math")', () => {
  const metrics = { metric1: ts(30, 20, 0, 0), metric2: ts(20, '-', 20, '-') };
  it.each([
    ['(metric1 < metric2)', [0, 0, 1, 0]],
    ['(metric1 >= 30)', [1, 0, 0, 0]],
    ['(metric1 > 15 AND metric2 > 15)', [1, 0, 0, 0]],
    ['(metric1 > 15 && metric2 > 15)', [1, 0, 0, 0]],
  ])('%s gives %j', (expression, expected) => {
    expect(run(expression, metrics, 4)).toEqual(expected);
  });
});

// Same page, "Using IF expressions": the three tables of examples.
describe('IF (docs: "Using IF expressions")', () => {
  const metrics = { metric1: ts(1, 1, 0, 0, '-'), metric2: ts(30, '-', 0, 0, 30), metric3: ts(0, 0, 20, '-', 20) };
  it.each([
    ['IF(metric1, metric2, metric3)', [30, 0, 20, '-', '-']],
    ['IF(metric1, 5, metric3)', [5, 5, 20, '-', '-']],
    ['IF(metric1, metric2, 5)', [30, 0, 5, 5, '-']],
    ['IF(metric1, metric2)', [30, 0, '-', '-', '-']],
  ])('%s gives %j', (expression, expected) => {
    expect(run(expression, metrics)).toEqual(expected);
  });

  it('IF(latency > threshold, 1, 0) marks each period over the threshold (the use-case example)', () => {
    expect(run('IF(latency > 100, 1, 0)', { latency: ts(80, 120, '-', 101, 100) })).toEqual([0, 1, '-', 1, 0]);
  });
});

// Same page, "Basic arithmetic functions": missing values count as 0, a division by zero drops the point.
describe('arithmetic (docs: "Basic arithmetic functions")', () => {
  it('treats a missing value as 0 and drops a division by zero', () => {
    expect(run('errors + throttles', { errors: ts(1, '-', 2, '-', 0), throttles: ts('-', 3, 1, '-', 0) })).toEqual([1, 3, 3, '-', 0]);
    expect(run('100 * errors / requests', { errors: ts(1, 0, 2, 5, '-'), requests: ts(10, 0, 4, '-', '-') })).toEqual([10, '-', 50, '-', '-']);
  });

  it('binds ^ tighter than * and /, and those tighter than + and -', () => {
    expect(run('2 + m1 * 3 ^ 2 - -1', { m1: ts(1, 2) }, 2)).toEqual([12, 21]);
  });
});

// Same page, the function table: FILL, DIFF, ABS, and MAX/MIN/SUM/AVG of an array.
describe('functions (docs: "Functions supported for metric math")', () => {
  it('FILL(m1, 10) gives every period of the range a value; FILL(m1, REPEAT) repeats the last one', () => {
    expect(run('FILL(m1, 10)', { m1: ts('-', 3, '-', '-', 4) })).toEqual([10, 3, 10, 10, 4]);
    expect(run('FILL(m1, REPEAT)', { m1: ts('-', 3, '-', '-', 4) })).toEqual(['-', 3, 3, 3, 4]);
  });

  it('DIFF(m1) is each value minus the preceding one', () => {
    expect(run('DIFF(m1)', { m1: ts(1, 4, '-', 2, 2) })).toEqual(['-', 3, '-', -2, 0]);
  });

  it('MAX, MIN, SUM and AVG of an array are series; AVG and SUM count a missing value as 0', () => {
    const metrics = { a: ts(1, '-', 5), b: ts(3, 2, '-') };
    expect(run('MAX([a, b])', metrics, 3)).toEqual([3, 2, 5]);
    expect(run('MIN([a, b])', metrics, 3)).toEqual([1, 2, 5]);
    expect(run('SUM([a, b])', metrics, 3)).toEqual([4, 2, 5]);
    expect(run('AVG([a, b])', metrics, 3)).toEqual([2, 1, 2.5]);
    expect(run('ABS(a - b)', metrics, 3)).toEqual([2, 2, 5]);
  });

  it('m1 - MAX(m1) uses the scalar MAX of one series', () => {
    expect(run('m1 - MAX(m1)', { m1: ts(1, 4, 2) }, 3)).toEqual([-3, 0, -2]);
  });
});

describe('reading expressions', () => {
  it('names the ids an expression reads', () => {
    expect(referencedIds('IF(FILL(n, 0) >= 20, 100 * f / (f + b), 0)').sort()).toEqual(['b', 'f', 'n']);
  });

  it.each(['m1 +', 'IF(m1', 'm1 $ 2', 'NOPE(m1)', 'FILL(m1, LINEAR)'])('refuses "%s" rather than guess', (expression) => {
    expect(() => run(expression, { m1: ts(1) }, 1)).toThrow();
  });
});
