const NEWLINE = 0x0a;
/** The most UTF-8 bytes one UTF-16 code unit can take (a surrogate pair takes 4 for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * Lines encoded as UTF-8 straight into one buffer as they are made. Joining the lines into one string
 * and encoding that costs several times more: a string that holds a non-ASCII character ("≥" in the
 * payloads' reasons) is two bytes a character, and the joined string must be flattened before it is
 * encoded. The buffer is never from Node's shared pool, so its memory can be handed to another thread.
 */
export class EncodedLines {
  private bytes: Buffer;
  private length = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafeSlow(capacity);
  }

  push(line: string): void {
    const needed = this.length + line.length * MAX_BYTES_PER_UNIT + 1;
    if (needed > this.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(needed, 2 * this.bytes.length));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    this.length += this.bytes.write(line, this.length);
    this.bytes[this.length++] = NEWLINE;
  }

  /** The lines so far, each ended by a newline: a view of the buffer, which owns its memory. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}
