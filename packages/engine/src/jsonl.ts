import * as v from 'valibot';
import { validateCompany, type Company, ValidationIssueSchema } from './schema.js';

/** Lines longer than this are refused rather than buffered: one runaway line must not exhaust memory. */
export const DEFAULT_MAX_LINE_BYTES = 256 * 1024;

export const LineErrorCodeSchema = v.picklist(['INVALID_JSON', 'VALIDATION_FAILED', 'LINE_TOO_LONG', 'INVALID_UTF8']);

/** What a bad input line becomes in errors.jsonl: its 1-based line number, the id when known, every issue. */
export const LineErrorRecordSchema = v.object({
  line: v.number(),
  company_id: v.optional(v.string()),
  error: v.object({
    code: LineErrorCodeSchema,
    message: v.string(),
    issues: v.array(ValidationIssueSchema),
  }),
});
export type LineErrorRecord = v.InferOutput<typeof LineErrorRecordSchema>;
export type LineErrorCode = v.InferOutput<typeof LineErrorCodeSchema>;

export type RawLine = { line: number; text: string } | { line: number; error: LineErrorRecord };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function lineError(line: number, code: LineErrorCode, message: string): { line: number; error: LineErrorRecord } {
  return { line, error: { line, error: { code, message, issues: [] } } };
}

type SplitOptions = { maxLineBytes?: number; firstLine?: number; startsFile?: boolean };

/**
 * Splits a byte stream into JSONL lines with constant memory: 1-based line numbers as an editor shows
 * them, a UTF-8 BOM and CRLF endings tolerated, blank lines skipped (but counted), over-long lines and
 * invalid UTF-8 turned into error records instead of stopping the run. A stream that starts mid-file
 * (`startsFile: false`, a range of a larger object) keeps a U+FEFF on its first line as content, as a
 * read of the whole file does.
 */
export async function* splitJsonlLines(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, options: SplitOptions = {}): AsyncGenerator<RawLine> {
  const splitter = lineSplitter(options);
  for await (const chunk of source) yield* splitter.push(chunk);
  yield* splitter.end();
}

/**
 * `splitJsonlLines` over pieces already in memory, without a promise per line: for a hot loop over
 * whole chunks of a file (the CLI's worker threads), where the asynchronous version's per-line
 * scheduling costs about as much as splitting itself.
 */
export function* splitJsonlLinesSync(source: Iterable<Uint8Array | string>, options: SplitOptions = {}): Generator<RawLine> {
  const splitter = lineSplitter(options);
  for (const chunk of source) yield* splitter.push(chunk);
  yield* splitter.end();
}

/** The state of one split, fed chunk by chunk; `end` yields the last line if it has no newline. */
function lineSplitter(options: SplitOptions): { push(chunk: Uint8Array | string): Generator<RawLine>; end(): Generator<RawLine> } {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const startsFile = options.startsFile ?? true;
  let lineNumber = (options.firstLine ?? 1) - 1;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflowing = false;

  /** The line's text or its error record; nothing for a blank line. */
  function finishLine(bytes: Buffer): RawLine | undefined {
    lineNumber += 1;
    if (overflowing) {
      overflowing = false;
      return lineError(lineNumber, 'LINE_TOO_LONG', `line is longer than ${maxLineBytes} bytes; split the record or shorten its fields`);
    }
    // The file's first line may open with a BOM, however the first chunks happened to be cut.
    if (startsFile && lineNumber === 1 && bytes.subarray(0, 3).equals(BOM)) bytes = bytes.subarray(3);
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CARRIAGE_RETURN) end -= 1;
    if (end > maxLineBytes) return lineError(lineNumber, 'LINE_TOO_LONG', `line is longer than ${maxLineBytes} bytes; split the record or shorten its fields`);
    const text = bytes.toString('utf8', 0, end);
    // toString replaces bad sequences with U+FFFD; only then pay for a strict decode to tell them apart.
    if (text.includes('\uFFFD') && !isValidUtf8(bytes.subarray(0, end))) return lineError(lineNumber, 'INVALID_UTF8', 'line is not valid UTF-8; re-export the file as UTF-8');
    return text.trim() === '' ? undefined : { line: lineNumber, text };
  }

  function* push(chunk: Uint8Array | string): Generator<RawLine> {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    let newline = bytes.indexOf(NEWLINE, start);
    while (newline !== -1) {
      const piece = bytes.subarray(start, newline);
      let line: RawLine | undefined;
      if (pending.length === 0) line = finishLine(piece);
      else {
        pending.push(piece);
        const joined = overflowing ? Buffer.alloc(0) : Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
        line = finishLine(joined);
      }
      if (line !== undefined) yield line;
      start = newline + 1;
      newline = bytes.indexOf(NEWLINE, start);
    }
    if (start < bytes.length) {
      const rest = bytes.subarray(start);
      pendingBytes += rest.length;
      if (pendingBytes > maxLineBytes + 1) {
        // Keep counting the line but drop its bytes: it is already known to be too long.
        overflowing = true;
        pending = [Buffer.alloc(0)];
      } else pending.push(Buffer.from(rest));
    }
  }

  function* end(): Generator<RawLine> {
    const line = pending.length > 0 ? finishLine(overflowing ? Buffer.alloc(0) : Buffer.concat(pending)) : undefined;
    if (line !== undefined) yield line;
  }

  return { push, end };
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export type ParsedCompanyLine = { ok: true; line: number; company: Company } | { ok: false; line: number; error: LineErrorRecord };

/** The id of a record that failed validation, when it has a usable one, so its error can be traced. */
function companyIdOf(record: unknown): string | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  const id = (record as { company_id?: unknown }).company_id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** Validates a parsed record into a company or the error record naming every bad field. */
export function checkCompanyRecord(record: unknown, line: number): ParsedCompanyLine {
  const result = validateCompany(record);
  if (result.ok) return { ok: true, line, company: result.value };
  const companyId = companyIdOf(record);
  const fields = result.issues.map((issue) => issue.path).join(', ');
  return {
    ok: false,
    line,
    error: {
      line,
      ...(companyId === undefined ? {} : { company_id: companyId }),
      error: { code: 'VALIDATION_FAILED', message: `Company record failed validation (${result.issues.length} issue${result.issues.length === 1 ? '' : 's'}: ${fields})`, issues: result.issues },
    },
  };
}

export type ParsedJsonLine = { ok: true; line: number; value: unknown } | { ok: false; line: number; error: LineErrorRecord };

/** One JSONL line parsed as JSON, or the INVALID_JSON error record for it. */
export function parseJsonLine(text: string, line: number): ParsedJsonLine {
  try {
    return { ok: true, line, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, line, error: { line, error: { code: 'INVALID_JSON', message: `Line is not valid JSON: ${(error as Error).message}`, issues: [] } } };
  }
}

/** One JSONL line of company data: JSON syntax first, then the schema. */
export function parseCompanyLine(text: string, line: number): ParsedCompanyLine {
  const parsed = parseJsonLine(text, line);
  return parsed.ok ? checkCompanyRecord(parsed.value, line) : parsed;
}
