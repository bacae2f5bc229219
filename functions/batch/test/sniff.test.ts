import { describe, expect, it } from '@jest/globals';
import { textProblem } from '../src/sniff.js';

describe('textProblem', () => {
  it('accepts UTF-8 text, with or without a BOM', () => {
    expect(textProblem(Buffer.from('{"a":"é"}\n'), true)).toBeUndefined();
    expect(textProblem(Buffer.from('\uFEFF{"a":1}\r\n'), true)).toBeUndefined();
    expect(textProblem(Buffer.alloc(0), true)).toBeUndefined();
  });

  it('accepts a character cut off at the end of a head that is not the whole file', () => {
    const cut = Buffer.from('{"a":"😀"}').subarray(0, 8);
    expect(textProblem(cut, false)).toBeUndefined();
    expect(textProblem(cut, true)).toMatch(/not UTF-8 text/);
  });

  it('names binary, UTF-16 and other non-UTF-8 files', () => {
    expect(textProblem(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]), false)).toBe('the file is binary, not JSONL text (a NUL byte at offset 3)');
    expect(textProblem(Buffer.from('\uFEFF{}', 'utf16le'), true)).toMatch(/UTF-16/);
    expect(textProblem(Buffer.from('{"a":"caf\xe9"}', 'latin1'), true)).toMatch(/not UTF-8 text/);
  });
});
