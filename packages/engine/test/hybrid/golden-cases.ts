import { readFileSync } from 'node:fs';

/** The parsed lines of a golden JSONL file under test/fixtures/golden/. */
export function readGoldenCases<T>(file: string): T[] {
  const text = readFileSync(new URL(`../fixtures/golden/${file}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
