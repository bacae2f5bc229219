import { readFileSync } from 'node:fs';
import { validateCompany, type Company } from '@echo-ridge/engine';

/** The example companies, one JSONL line each, as shipped in examples/. */
export const EXAMPLE_LINES: readonly string[] = readFileSync(new URL('../../../../examples/companies.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '');

/** The example companies, validated. */
export const EXAMPLE_COMPANIES: readonly Company[] = EXAMPLE_LINES.map((line) => {
  const checked = validateCompany(JSON.parse(line));
  if (!checked.ok) throw new Error('the example companies are valid');
  return checked.value;
});

/** A valid company line with its own id: the example lines in turn, each renamed. */
export function companyLine(index: number, prefix = 'co-gen'): string {
  const line = EXAMPLE_LINES[index % EXAMPLE_LINES.length]!;
  return line.replace(/"company_id": "[^"]*"/, `"company_id": "${prefix}-${index}"`);
}

/** `count` valid company lines, newline-terminated, generated as they are consumed. */
export function* companyLines(count: number, prefix?: string): Generator<string> {
  for (let i = 0; i < count; i += 1) yield `${companyLine(i, prefix)}\n`;
}
