/**
 * Edge cases a review found the engine getting wrong (each failed before its fix): ties past 2^33 in
 * pyFixed, Infinity in integer fields, calendar dates that do not exist, lengths in characters, a BOM cut
 * across chunks, unquoted weights versions.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { pyFixed } from '../src/format.js';
import { splitJsonlLines, type RawLine } from '../src/jsonl.js';
import { validateCompany } from '../src/schema.js';
import { DEFAULT_WEIGHTS_PATH, parseWeights } from '../src/weights.js';
import { rawCompany } from './fixtures/unit/company.js';

describe('format.ts: pyFixed misses exact ties once x·10^digits has no fractional bits left', () => {
  it.each([
    [2 ** 49 + 0.25, 1, '562949953421312.2'], // f'{562949953421312.25:.1f}'  — was '562949953421312.3'
    [281474976710656.0625, 3, '281474976710656.062'], // f'{281474976710656.0625:.3f}' — was '...063'
    [424512966278623.3125, 3, '424512966278623.312'], // f'{424512966278623.3:.3f}' — was '...313'
  ])('pyFixed(%p, %p) === %p', (x, digits, expected) => {
    expect(pyFixed(x, digits)).toBe(expected);
  });
});

describe('schema.ts: Infinity (JSON 1e999) in an integer field', () => {
  it('gives one issue with the rule, not a duplicate "from 0 to undefined"', () => {
    const record = JSON.parse(JSON.stringify(rawCompany()).replace('"employees":40', '"employees":1e999')) as unknown;
    const result = validateCompany(record);
    expect(result.ok).toBe(false);
    // before the fix: [{ops.employees, 'must be an integer ≥ 0'}, {ops.employees, 'must be an integer from 0 to undefined'}]
    expect(!result.ok && result.issues).toEqual([{ path: 'ops.employees', message: 'must be an integer ≥ 0' }]);
  });

  it('gives one issue for pagespeed, not the same issue twice', () => {
    const record = rawCompany();
    (record.digital as Record<string, unknown>).pagespeed = Number.POSITIVE_INFINITY;
    const result = validateCompany(record);
    expect(!result.ok && result.issues).toEqual([{ path: 'digital.pagespeed', message: 'must be an integer from 0 to 100' }]);
  });
});

describe('schema.ts: dates that do not exist pass the "real calendar date-time" check', () => {
  it.each(['2025-02-30T09:00:00Z', '2025-02-29T00:00:00Z', '2025-04-31T12:00:00+02:00'])('%s is refused', (ts) => {
    const record = rawCompany();
    (record.meta as Record<string, unknown>).scrape_ts = ts;
    const result = validateCompany(record);
    // before the fix: accepted (V8's Date.parse rolls 30 February over to 2 March)
    expect(!result.ok && result.issues).toEqual([{ path: 'meta.scrape_ts', message: 'must be a real calendar date-time' }]);
  });
});

describe('schema.ts: string lengths are counted in UTF-16 units, not characters', () => {
  it('a company_id of 129 emoji (129 characters, 258 UTF-16 units) is within 1–256 characters', () => {
    const result = validateCompany(rawCompany({ company_id: '😀'.repeat(129) }));
    // before the fix: refused with 'must be a string of 1 to 256 characters' (Python's len() is 129)
    expect(result.ok).toBe(true);
  });
});

describe('jsonl.ts: a byte order mark cut across the first chunks is not removed', () => {
  async function split(chunks: Buffer[]): Promise<RawLine[]> {
    async function* source() {
      for (const chunk of chunks) yield chunk;
      await Promise.resolve();
    }
    const out: RawLine[] = [];
    for await (const line of splitJsonlLines(source())) out.push(line);
    return out;
  }

  it.each([
    [[Buffer.from([0xef]), Buffer.from([0xbb, 0xbf]), Buffer.from('{"a":1}\n')]],
    [[Buffer.from([0xef, 0xbb]), Buffer.from([0xbf, 0x7b, 0x7d, 0x0a])]],
  ])('chunks %#', async (chunks) => {
    // before the fix: [{ line: 1, text: '\uFEFF{"a":1}' }] — which parseCompanyLine then reports as INVALID_JSON
    const lines = await split(chunks);
    expect(lines).toHaveLength(1);
    expect('text' in lines[0]! && lines[0].text.startsWith('\uFEFF')).toBe(false);
  });
});

describe('weights.ts: an unquoted version is silently rewritten', () => {
  it('`version: 1.0` is kept as "1.0" or refused, never turned into "1"', () => {
    const text = readFileSync(DEFAULT_WEIGHTS_PATH, 'utf8').replace('version: "1.0"', 'version: 1.0');
    let version: string | null;
    try {
      version = parseWeights(text).version;
    } catch {
      version = null; // refusing the file is acceptable too
    }
    // before the fix: "1" (and `version: 1.10` becomes "1.1"), which then appears as metadata.version.weights
    expect(version === null || version === '1.0').toBe(true);
  });
});
