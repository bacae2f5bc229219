import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '../../src/commands/command.js';
import { main } from '../../src/main.js';

/** Runs a command in-process and returns its exit code and everything it wrote to stderr. */
export async function runCommand(command: Command, args: string[]): Promise<{ code: number; stderr: string }> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    return { code: await command.run(args), stderr: written.join('') };
  } finally {
    spy.mockRestore();
  }
}

/** A fresh temporary folder holding `input.jsonl` with the given lines (objects are JSON-encoded). */
export function inputFile(lines: unknown[]): { dir: string; input: string } {
  const dir = mkdtempSync(join(tmpdir(), 'echo-ridge-cli-'));
  const input = join(dir, 'input.jsonl');
  writeFileSync(input, `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`);
  return { dir, input };
}

export function readLines<T = Record<string, unknown>>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

/** `echo-ridge <args>` in this process, as the bin runs it: exit code, stdout and stderr. */
export async function runMain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const written = { stdout: [] as string[], stderr: [] as string[] };
  const spies = (['stdout', 'stderr'] as const).map((stream) =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      written[stream].push(String(chunk));
      return true;
    }),
  );
  try {
    const code = await main(args);
    return { code, stdout: written.stdout.join(''), stderr: written.stderr.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
