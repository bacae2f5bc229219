import { describe, expect, it } from '@jest/globals';
import { EncodedLines } from '../src/encoded-lines.js';

describe('EncodedLines', () => {
  it('encodes each line as UTF-8 with its newline, growing past its first capacity without losing a byte', () => {
    const lines = ['{"reason":"26 docs/day ≥ 10"}', '', 'ascii', '€'.repeat(1000), '𝄞 a pair', 'é'];
    const encoded = new EncodedLines(4);
    for (const line of lines) encoded.push(line);
    expect(Buffer.from(encoded.view()).toString('utf8')).toBe(lines.map((line) => `${line}\n`).join(''));
    expect(encoded.view().length).toBe(Buffer.byteLength(lines.map((line) => `${line}\n`).join('')));
  });

  it('writes a lone surrogate as U+FFFD, as encoding the joined text would', () => {
    const encoded = new EncodedLines(1);
    encoded.push('a\uD800b');
    expect(Buffer.from(encoded.view())).toEqual(Buffer.from('a\uD800b\n', 'utf8'));
  });

  it("owns its memory, so it can be handed to another thread (a view of Node's shared buffer pool cannot be)", () => {
    const encoded = new EncodedLines(16);
    encoded.push('x');
    const view = encoded.view();
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(view, [view.buffer as ArrayBuffer]);
    port1.close();
    port2.close();
    expect(view.byteLength).toBe(0);
  });
});
