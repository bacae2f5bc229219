import { describe, expect, it } from '@jest/globals';
import { bytesRead, planJoin, type JoinPart, type JoinSource } from '../src/object-join.js';

/** Small limits so that plans are easy to read; S3's are 5 MiB and 5 GiB. */
const MIN = 10;
const MAX = 40;

const partBytes = (part: JoinPart) => ('copy' in part ? [part.copy] : part.read).reduce((sum, range) => sum + range.end - range.start, 0);

/** The plan's ranges in order must be exactly the sources' bytes in order, and every part but the last within S3's limits. */
function checkPlan(sources: JoinSource[]) {
  const parts = planJoin(sources, MIN, MAX);
  const ranges = parts.flatMap((part) => ('copy' in part ? [part.copy] : part.read));
  const covered: string[] = [];
  for (const { key, start, end } of ranges) for (let at = start; at < end; at += 1) covered.push(`${key}@${at}`);
  expect(covered).toEqual(sources.flatMap(({ key, size }) => Array.from({ length: size }, (_, at) => `${key}@${at}`)));
  for (const part of parts.slice(0, -1)) {
    expect(partBytes(part)).toBeGreaterThanOrEqual(MIN);
    expect(partBytes(part)).toBeLessThanOrEqual(MAX);
  }
  if (parts.length > 0) expect(partBytes(parts.at(-1)!)).toBeLessThanOrEqual(MAX);
  return parts;
}

describe('planJoin', () => {
  it('copies sources of at least the minimum whole, reading nothing', () => {
    const parts = checkPlan([{ key: 'a', size: 12 }, { key: 'b', size: 30 }, { key: 'c', size: 3 }]);
    expect(parts.map((part) => ('copy' in part ? 'copy' : 'read'))).toEqual(['copy', 'copy', 'read']);
    expect(bytesRead(parts)).toBe(3);
  });

  it('gathers small sources into one part of the minimum, and a following large source lends the bytes the run lacks', () => {
    const parts = checkPlan([{ key: 'a', size: 4 }, { key: 'b', size: 3 }, { key: 'c', size: 25 }]);
    expect(parts).toEqual([
      { read: [{ key: 'a', start: 0, end: 4 }, { key: 'b', start: 0, end: 3 }, { key: 'c', start: 0, end: 3 }] },
      { copy: { key: 'c', start: 3, end: 25 } },
    ]);
    expect(bytesRead(parts)).toBe(MIN);
  });

  it('cuts a source above the maximum so that no piece of it falls under the minimum', () => {
    const parts = checkPlan([{ key: 'huge', size: 2 * MAX + 5 }]);
    expect(bytesRead(parts)).toBe(0);
  });

  it('keeps every byte in order for any mix of sizes, empty ones included', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    for (let round = 0; round < 300; round += 1) {
      const sources = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, i) => ({ key: `k${i}`, size: Math.floor(random() * random() * 3 * MAX) }));
      const parts = checkPlan(sources);
      // Bytes read through the caller: at most the sources under the minimum, plus the minimum for each run they form.
      const small = sources.filter((source) => source.size < MIN).reduce((sum, source) => sum + source.size, 0);
      expect(bytesRead(parts)).toBeLessThanOrEqual(small + MIN * sources.length);
    }
  });
});
