import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError } from './cli-error.js';

/** A path given for an option, named as the user typed it (`-o`, `--errors`, an input argument). */
export interface NamedPath {
  option: string;
  path: string | null | undefined;
}

/**
 * What identifies the file a path names. An existing file is its device and inode, which another
 * spelling of the path, a symbolic link and a hard link all share. A path to nothing yet is its
 * absolute form with the folder's links resolved, so two spellings of one new file still match.
 */
function fileIdentity(path: string): string {
  try {
    const { dev, ino } = statSync(path);
    return `inode ${dev}:${ino}`;
  } catch {
    const absolute = resolve(path);
    try {
      return `path ${join(realpathSync(dirname(absolute)), basename(absolute))}`;
    } catch {
      return `path ${absolute}`;
    }
  }
}

/**
 * Refuses a run whose outputs would overwrite one of its inputs: opening an output truncates it, so
 * `score in.jsonl -o in.jsonl` would read an empty file and report success. Called before any file
 * is opened, and throws the CliError that makes the command exit 2.
 */
export function refuseOutputsOverInputs(inputs: readonly NamedPath[], outputs: readonly NamedPath[]): void {
  const read = inputs.filter((input): input is { option: string; path: string } => typeof input.path === 'string').map((input) => ({ ...input, id: fileIdentity(input.path) }));
  for (const output of outputs) {
    if (typeof output.path !== 'string') continue;
    const id = fileIdentity(output.path);
    const input = read.find((candidate) => candidate.id === id);
    if (input) {
      const how = output.path === input.path ? '' : ' (the same file by another path or a link)';
      throw new CliError(`${output.option} ${output.path} would overwrite the ${input.option} ${input.path}${how}: write the output elsewhere`);
    }
  }
}
