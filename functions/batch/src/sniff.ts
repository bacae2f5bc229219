/** Bytes looked at to decide whether an object is UTF-8 text at all. */
export const SNIFF_BYTES = 4096;

const NUL = 0x00;

/**
 * Why the head of an object shows it is not UTF-8 text, or undefined if it may be. A file that fails
 * here fails as a whole (one reason beats a million INVALID_UTF8 lines); bad bytes further in are
 * reported line by line. `complete` says the head is the whole object, so a cut-off character at its
 * end is an error rather than the start of one continued beyond the head.
 */
export function textProblem(head: Uint8Array, complete: boolean): string | undefined {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return 'the file is UTF-16 encoded: re-export it as UTF-8 JSONL';
  }
  const nul = head.indexOf(NUL);
  if (nul !== -1) return `the file is binary, not JSONL text (a NUL byte at offset ${nul})`;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
  } catch {
    return `the file is not UTF-8 text (an invalid byte sequence in its first ${head.length} bytes): re-export it as UTF-8 JSONL`;
  }
  return undefined;
}
