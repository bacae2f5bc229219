import { describe, expect, it } from '@jest/globals';
import { checkCompanyRecord, DEFAULT_MAX_LINE_BYTES, parseCompanyLine, splitJsonlLines, splitJsonlLinesSync, type RawLine } from '../src/jsonl.js';
import { makeCompany, rawCompany } from './fixtures/unit/company.js';

async function* fromChunks(chunks: readonly (Uint8Array | string)[]): AsyncGenerator<Uint8Array | string> {
  for (const chunk of chunks) yield chunk;
  await Promise.resolve();
}

/** The lines of both splitters, which must agree: every test below holds for the synchronous one too. */
async function split(chunks: readonly (Uint8Array | string)[], options?: Parameters<typeof splitJsonlLines>[1]): Promise<RawLine[]> {
  const lines: RawLine[] = [];
  for await (const line of splitJsonlLines(fromChunks(chunks), options)) lines.push(line);
  expect([...splitJsonlLinesSync(chunks, options)]).toEqual(lines);
  return lines;
}

/** A buffer cut into pieces of `size` bytes, regardless of character boundaries. */
function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

const bytes = (text: string) => Buffer.from(text, 'utf8');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const tooLong = (line: number, max: number) => ({
  line,
  error: { line, error: { code: 'LINE_TOO_LONG', message: `line is longer than ${max} bytes; split the record or shorten its fields`, issues: [] } },
});
const invalidUtf8 = (line: number) => ({ line, error: { line, error: { code: 'INVALID_UTF8', message: 'line is not valid UTF-8; re-export the file as UTF-8', issues: [] } } });

describe('splitJsonlLines', () => {
  it('yields each line with its 1-based number', async () => {
    expect(await split(['{"a":1}\n{"b":2}\n'])).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"b":2}' },
    ]);
  });

  it('drops a UTF-8 byte order mark at the start of the stream only', async () => {
    expect(await split([Buffer.concat([BOM, bytes('{"a":1}\n{"b":2}')])])).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"b":2}' },
    ]);
    expect(await split([Buffer.alloc(0), Buffer.concat([BOM, bytes('{}\n')])])).toEqual([{ line: 1, text: '{}' }]);
    // a BOM later in the file is content, not an encoding mark
    expect(await split([bytes('{}\n'), Buffer.concat([BOM, bytes('x\n')])])).toEqual([
      { line: 1, text: '{}' },
      { line: 2, text: '\uFEFFx' },
    ]);
  });

  it('accepts CRLF line endings', async () => {
    expect(await split(['a\r\nb\r\n', 'c\r\n'])).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: 'c' },
    ]);
  });

  it('skips blank and whitespace-only lines but counts them', async () => {
    expect(await split(['\n', 'a\n\n\r\n   \n\t\nb\n\n'])).toEqual([
      { line: 2, text: 'a' },
      { line: 7, text: 'b' },
    ]);
    expect(await split(['\r'])).toEqual([]);
    expect(await split([])).toEqual([]);
  });

  it('yields a final line without a newline', async () => {
    expect(await split(['a\nlast'])).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'last' },
    ]);
    expect(await split(['a\n', 'la', 'st'])).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'last' },
    ]);
  });

  it('joins a line split across many chunks, including chunks that split a multi-byte character', async () => {
    // "é" is C3 A9, "€" is E2 82 AC, "😀" is F0 9F 98 80: every one of them is cut here
    const text = '{"name":"café €5 😀"}\n{"n":2}';
    const all = bytes(text);
    const expected = [
      { line: 1, text: '{"name":"café €5 😀"}' },
      { line: 2, text: '{"n":2}' },
    ];
    for (const size of [1, 2, 3, 5, 7, all.length]) expect(await split(pieces(all, size))).toEqual(expected);
    expect(await split([bytes('"x'), Buffer.from([0xe2]), Buffer.from([0x82]), Buffer.from([0xac]), bytes('"\n')])).toEqual([{ line: 1, text: '"x€"' }]);
  });

  it('gives the same lines for every way of cutting the stream in two', async () => {
    const all = bytes('{"a":"é"}\r\n\n  \n{"b":"€"}\nlast');
    const whole = await split([all]);
    expect(whole).toEqual([
      { line: 1, text: '{"a":"é"}' },
      { line: 4, text: '{"b":"€"}' },
      { line: 5, text: 'last' },
    ]);
    for (let cut = 0; cut <= all.length; cut++) expect(await split([all.subarray(0, cut), all.subarray(cut)])).toEqual(whole);
  });

  it('accepts string chunks', async () => {
    expect(await split(['{"a":', '"ü"}\n', '{"b":1}'])).toEqual([
      { line: 1, text: '{"a":"ü"}' },
      { line: 2, text: '{"b":1}' },
    ]);
  });

  it('starts counting at firstLine', async () => {
    expect(await split(['x\n\ny'], { firstLine: 10 })).toEqual([
      { line: 10, text: 'x' },
      { line: 12, text: 'y' },
    ]);
  });

  it('keeps a U+FEFF opening the first line as content when the stream starts mid-file', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(await split([Buffer.concat([bom, Buffer.from('{}\n')])], { startsFile: false })).toEqual([{ line: 1, text: '\uFEFF{}' }]);
    expect(await split([Buffer.concat([bom, Buffer.from('{}\n')])])).toEqual([{ line: 1, text: '{}' }]);
  });

  describe('over-long lines', () => {
    it('allows a line of exactly maxLineBytes (its CR not counted)', async () => {
      expect(await split(['aaaaa\r\nbbbbb\n'], { maxLineBytes: 5 })).toEqual([
        { line: 1, text: 'aaaaa' },
        { line: 2, text: 'bbbbb' },
      ]);
      expect(await split(['aaa', 'aa', '\r', '\n'], { maxLineBytes: 5 })).toEqual([{ line: 1, text: 'aaaaa' }]);
    });

    it('turns a too-long line inside one chunk into LINE_TOO_LONG and goes on with correct numbers', async () => {
      expect(await split(['ok\naaaaaa\n\nbb\ncc'], { maxLineBytes: 5 })).toEqual([{ line: 1, text: 'ok' }, tooLong(2, 5), { line: 4, text: 'bb' }, { line: 5, text: 'cc' }]);
    });

    it('turns a too-long line spanning chunks into LINE_TOO_LONG and goes on with correct numbers', async () => {
      expect(await split(['ok\naa', 'aaa', 'aaaaaaaa', 'aaaa\nbb', '\n\ncc'], { maxLineBytes: 5 })).toEqual([
        { line: 1, text: 'ok' },
        tooLong(2, 5),
        { line: 3, text: 'bb' },
        { line: 5, text: 'cc' },
      ]);
    });

    it('detects a line that only becomes too long with its last piece', async () => {
      expect(await split(['aaa', 'aaa\nb'], { maxLineBytes: 5 })).toEqual([tooLong(1, 5), { line: 2, text: 'b' }]);
    });

    it('detects a too-long final line without a newline', async () => {
      expect(await split(['ok\n', 'aaaa', 'aaaa'], { maxLineBytes: 5 })).toEqual([{ line: 1, text: 'ok' }, tooLong(2, 5)]);
      expect(await split(['ok\naaaaaaaaa'], { maxLineBytes: 5 })).toEqual([{ line: 1, text: 'ok' }, tooLong(2, 5)]);
    });

    it('counts bytes, not characters', async () => {
      // "éé" is 4 bytes, "ééé" is 6
      expect(await split(['éé\nééé\n'], { maxLineBytes: 5 })).toEqual([{ line: 1, text: 'éé' }, tooLong(2, 5)]);
    });

    it('defaults to 256 KiB', async () => {
      expect(DEFAULT_MAX_LINE_BYTES).toBe(262144);
      const big = 'x'.repeat(DEFAULT_MAX_LINE_BYTES);
      const lines = await split([`${big}\n`, `${big}x\n`, 'y']);
      expect(lines[0]).toEqual({ line: 1, text: big });
      expect(lines.slice(1)).toEqual([tooLong(2, DEFAULT_MAX_LINE_BYTES), { line: 3, text: 'y' }]);
    });
  });

  describe('invalid UTF-8', () => {
    it('turns a line with invalid bytes into INVALID_UTF8 and goes on', async () => {
      expect(await split([Buffer.from([0x61, 0xff, 0x62, 0x0a]), bytes('ok\n'), Buffer.from([0xc3, 0x28, 0x0a]), bytes('end')])).toEqual([
        invalidUtf8(1),
        { line: 2, text: 'ok' },
        invalidUtf8(3),
        { line: 4, text: 'end' },
      ]);
    });

    it('refuses a multi-byte character cut short by the end of its line', async () => {
      expect(await split([Buffer.from([0x22, 0xe2, 0x82, 0x0a]), bytes('ok')])).toEqual([invalidUtf8(1), { line: 2, text: 'ok' }]);
    });

    it('accepts a correctly encoded U+FFFD', async () => {
      expect(await split([bytes('\uFFFD ok\n')])).toEqual([{ line: 1, text: '\uFFFD ok' }]);
    });
  });
});

describe('parseCompanyLine', () => {
  it('returns the validated company', () => {
    expect(parseCompanyLine(JSON.stringify(rawCompany()), 3)).toEqual({ ok: true, line: 3, company: makeCompany() });
  });

  it('INVALID_JSON: names the line and the parser error, without issues', () => {
    const result = parseCompanyLine('{"company_id": "x",', 7);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.line).toBe(7);
    expect(result.error).toEqual({ line: 7, error: { code: 'INVALID_JSON', message: expect.stringMatching(/^Line is not valid JSON: .+/) as unknown as string, issues: [] } });
    expect(result.error).not.toHaveProperty('company_id');
  });

  it('VALIDATION_FAILED: carries the company_id and every issue with its path', () => {
    const record = rawCompany({ company_id: 'bad-co' });
    (record.digital as Record<string, unknown>).pagespeed = 85.5;
    (record.digital as Record<string, unknown>).crm_flag = 1;
    delete (record.meta as Record<string, unknown>).scrape_ts;
    (record.budget as Record<string, unknown>).revenue_est_usd = '100';
    const result = parseCompanyLine(JSON.stringify(record), 12);
    expect(result).toEqual({
      ok: false,
      line: 12,
      error: {
        line: 12,
        company_id: 'bad-co',
        error: {
          code: 'VALIDATION_FAILED',
          message: 'Company record failed validation (4 issues: digital.pagespeed, digital.crm_flag, budget.revenue_est_usd, meta.scrape_ts)',
          issues: [
            { path: 'digital.pagespeed', message: 'must be an integer from 0 to 100' },
            { path: 'digital.crm_flag', message: 'must be true or false (not 0/1 or a string)' },
            { path: 'budget.revenue_est_usd', message: 'must be a finite number ≥ 0' },
            { path: 'meta.scrape_ts', message: 'is required' },
          ],
        },
      },
    });
  });

  it('VALIDATION_FAILED with one issue says "1 issue"', () => {
    const record = rawCompany({ company_id: 'one' });
    (record.ops as Record<string, unknown>).employees = -1;
    const result = parseCompanyLine(JSON.stringify(record), 1);
    expect(!result.ok && result.error.error.message).toBe('Company record failed validation (1 issue: ops.employees)');
  });

  it('leaves company_id out when the record has no usable one', () => {
    for (const id of [undefined, '', 42]) {
      const record = rawCompany();
      if (id === undefined) delete record.company_id;
      else record.company_id = id;
      const result = parseCompanyLine(JSON.stringify(record), 2);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).not.toHaveProperty('company_id');
        expect(result.error.error.issues[0]!.path).toBe('company_id');
      }
    }
  });

  it('refuses JSON that is not an object', () => {
    for (const text of ['42', '"text"', 'null', '[]']) {
      const result = parseCompanyLine(text, 5);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('checkCompanyRecord validates an already parsed record the same way', () => {
    const record = rawCompany({ company_id: 'same' });
    (record.digital as Record<string, unknown>).pagespeed = 101;
    expect(checkCompanyRecord(record, 4)).toEqual(parseCompanyLine(JSON.stringify(record), 4));
  });
});
