import { describe, expect, it } from '@jest/globals';
import { createScorer, splitJsonlLines, type LineErrorRecord } from '@echo-ridge/engine';
import { readFileSync } from 'node:fs';
import { scoreLines } from '../src/score-lines.js';

const example = readFileSync(new URL('../../../examples/companies.jsonl', import.meta.url), 'utf8').split('\n')[0]!;

async function* text(content: string) {
  yield Buffer.from(content);
  await Promise.resolve();
}

describe('scoreLines', () => {
  it('hands each valid line to the sink as a payload and each other line as its error record, in order', async () => {
    const scored: number[] = [];
    const errors: LineErrorRecord[] = [];
    const input = `${example}\nnot json\n\n{"company_id":"c-2"}\n${example}\n`;
    const counts = await scoreLines(splitJsonlLines(text(input)), createScorer(), {
      scored: (line, payload) => {
        expect(payload.company_id).toBe('co-11-00000');
        scored.push(line);
        return Promise.resolve();
      },
      failed: (error) => {
        errors.push(error);
        return Promise.resolve();
      },
    });
    expect(counts).toEqual({ lines: 4, scored: 2, failed: 2 });
    expect(scored).toEqual([1, 5]);
    expect(errors.map((error) => [error.line, error.company_id, error.error.code])).toEqual([
      [2, undefined, 'INVALID_JSON'],
      [4, 'c-2', 'VALIDATION_FAILED'],
    ]);
  });

  it('stops at the first sink failure, so a line is never reported as done when it was not stored', async () => {
    const failing = { scored: () => Promise.reject(new Error('table down')), failed: () => Promise.resolve() };
    await expect(scoreLines(splitJsonlLines(text(`${example}\n${example}\n`)), createScorer(), failing)).rejects.toThrow('table down');
  });
});
