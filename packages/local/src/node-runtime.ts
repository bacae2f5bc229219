import { readFileSync } from 'node:fs';

/**
 * The workspace runs on the Node that `pnpm install` puts in node_modules/.bin (the optional
 * dependency `node-<platform>-<arch>` of the root package.json), the major version of Lambda's
 * nodejs22.x. pnpm scripts find it first on PATH; a script started some other way may meet the
 * machine's own Node, where fauxqs (node:sqlite) or @middy/core 7 would fail far from the cause.
 * The range is the root package.json's `engines.node`, the one place it is written.
 */
export function requiredNodeRange(packageJson: string = new URL('../../../package.json', import.meta.url).pathname): string {
  const range = (JSON.parse(readFileSync(packageJson, 'utf8')) as { engines?: { node?: string } }).engines?.node;
  if (!range) throw new Error(`${packageJson} names no engines.node`);
  return range;
}

/** Whether a version (`v22.23.3`) is inside a range of the form `>=A.B <C`, the only form engines.node uses here. */
export function satisfiesNodeRange(version: string, range: string): boolean {
  const bounds = /^>=(\d+)\.(\d+)\s+<(\d+)$/.exec(range.trim());
  const parts = /^v?(\d+)\.(\d+)\.\d+/.exec(version);
  if (!bounds || !parts) throw new Error(`cannot compare Node ${version} with the range "${range}" (expected ">=A.B <C")`);
  const [major, minor] = [Number(parts[1]), Number(parts[2])];
  const [minMajor, minMinor, belowMajor] = [Number(bounds[1]), Number(bounds[2]), Number(bounds[3])];
  return major < belowMajor && (major > minMajor || (major === minMajor && minor >= minMinor));
}

/** The one line that names the fix, or undefined when this Node is the right one. */
export function wrongNodeMessage(version: string, range: string): string | undefined {
  if (satisfiesNodeRange(version, range)) return undefined;
  return `Echo Ridge runs on Node ${range} (as Lambda's nodejs22.x), not ${version}: run it through pnpm (pnpm start, pnpm echo-ridge …), which uses the Node that pnpm install put in node_modules/.bin.`;
}

/** Stops the process with that line, before anything else is loaded, when it runs on another Node. */
export function exitOnWrongNode(): void {
  const message = wrongNodeMessage(process.version, requiredNodeRange());
  if (message === undefined) return;
  console.error(message);
  process.exit(2);
}

const SQLITE_EXPERIMENTAL = /^SQLite is an experimental feature/;

/**
 * fauxqs keeps its queues with node:sqlite, still experimental in Node 22, and Node says so on the
 * first import: a line that tells a user nothing they can act on, and would be the first they read
 * after `pnpm start` or any CLI command. Only that warning is dropped; every other one still prints.
 * Returns the undo.
 */
export function muteSqliteExperimentalWarning(): () => void {
  const emitWarning: typeof process.emitWarning = process.emitWarning.bind(process);
  const emit = emitWarning as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const message = typeof warning === 'string' ? warning : warning.message;
    if (type === 'ExperimentalWarning' && SQLITE_EXPERIMENTAL.test(message)) return;
    emit(warning, ...rest);
  });
  return () => {
    process.emitWarning = emitWarning;
  };
}
