import { readFile } from 'node:fs/promises';
import type { Company } from '../../src/index.js';

const examples = (await readFile(new URL('../../../../examples/companies.jsonl', import.meta.url), 'utf8'))
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Company);

/** `count` valid companies with ids of their own, made from the examples. */
export const companies = (count: number, prefix: string): Company[] =>
  Array.from({ length: count }, (_, i) => ({ ...examples[i % examples.length]!, company_id: `${prefix}-${i}` }));
