import { createReadStream, createWriteStream, readFileSync, statSync, type ReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { DEFAULT_WEIGHTS_PATH, parseContext, loadWeights, type NormContext, type Weights } from '@echo-ridge/engine';
import { CliError } from './cli-error.js';

const READ_CHUNK_BYTES = 1 << 20;

/** A readable input file, refused up front with a clear reason rather than failing mid-stream. */
export function openInput(path: string, readBytes = READ_CHUNK_BYTES): { stream: ReadStream; size: number } {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new CliError(`${path} is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read ${path}: ${describeFsError(error)}`);
  }
  return { stream: createReadStream(path, { highWaterMark: readBytes }), size };
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return code ?? (error as Error).message;
}

export function readContextFile(path: string): NormContext {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read context ${path}: ${error instanceof SyntaxError ? `not valid JSON (${error.message})` : describeFsError(error)}`);
  }
  try {
    return parseContext(json);
  } catch (error) {
    throw new CliError(`${path}: ${(error as Error).message}`);
  }
}

/** The weights file a run reads: `--weights`, else WEIGHTS_CONFIG_PATH, else the repository's weights.yaml. */
export const weightsPathOf = (given: string | undefined): string => given ?? process.env.WEIGHTS_CONFIG_PATH ?? DEFAULT_WEIGHTS_PATH;

export function readWeightsFile(path?: string): Weights {
  try {
    return loadWeights(path);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/**
 * Buffered line output to a file or stdout that respects back-pressure, so a fast producer never
 * piles the whole output up in memory.
 */
export class LineWriter {
  private buffer: string[] = [];
  private bufferedChars = 0;
  private constructor(
    private readonly stream: Writable,
    readonly path: string | null,
  ) {}

  static open(path: string | null): LineWriter {
    if (path === null) return new LineWriter(process.stdout, null);
    const stream = createWriteStream(path);
    return new LineWriter(stream, path);
  }

  async write(line: string): Promise<void> {
    this.buffer.push(line, '\n');
    this.bufferedChars += line.length + 1;
    if (this.bufferedChars >= 1 << 18) await this.flush();
  }

  /** Bytes already made of whole lines, such as a scored chunk, after the lines buffered so far. */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    await this.flush();
    if (bytes.length > 0 && !this.stream.write(bytes)) await once(this.stream, 'drain');
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join('');
    this.buffer = [];
    this.bufferedChars = 0;
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.path === null) return;
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/** `out.jsonl` → `out.errors.jsonl`: errors land beside the results unless told otherwise. */
export function errorsPathFor(outputPath: string): string {
  return outputPath.replace(/(\.jsonl?)?$/, '.errors.jsonl');
}
