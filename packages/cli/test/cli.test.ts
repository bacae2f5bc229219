/**
 * The `echo-ridge` command line as users run it: a separate Node process per run (the bin, its tsx
 * loader, argument parsing, exit codes, stdout/stderr and the files written). Each spawn costs about
 * half a second, so every run serves several assertions.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScorer, fitContext, loadWeights, parseContext, validateCompany, type Company, type ScorePayload } from '@echo-ridge/engine';

const BIN = fileURLToPath(new URL('../bin/echo-ridge.js', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../../examples/companies.jsonl', import.meta.url));
const REPO_WEIGHTS = fileURLToPath(new URL('../../../weights.yaml', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'echo-ridge-cli-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in `dir` with an environment free of test-runner and weights settings. */
function cli(...args: string[]): Run {
  const { NODE_OPTIONS: _nodeOptions, WEIGHTS_CONFIG_PATH: _weights, ...env } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const path = (name: string) => join(dir, name);
const readLines = <T = Record<string, unknown>>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);

const exampleLines = readFileSync(EXAMPLES, 'utf8').split('\n').filter((line) => line.trim() !== '');
const examples: Company[] = exampleLines.map((line) => {
  const result = validateCompany(JSON.parse(line));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
});

// Small inputs shared by several runs.
writeFileSync(path('five.jsonl'), `${exampleLines.slice(0, 5).join('\n')}\n`);

/** No stack frame ("    at fn (file:1:2)") may reach a user. */
function expectNoStackTrace(run: Run): void {
  expect(run.stderr).not.toMatch(/^\s+at .+/m);
  expect(run.stdout).not.toMatch(/^\s+at .+/m);
}

/** A failure the user can fix: exit 2, one clear error line (optionally followed by the usage line), no trace. */
function expectUsageFailure(run: Run, command: string, message: string | RegExp): void {
  expect(run.code).toBe(2);
  expectNoStackTrace(run);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines.length).toBeGreaterThanOrEqual(1);
  expect(lines[0]!.startsWith(`echo-ridge ${command}`)).toBe(true);
  if (typeof message === 'string') expect(lines[0]).toContain(message);
  else expect(lines[0]).toMatch(message);
  expect(lines.slice(1).every((line) => line.startsWith('usage: echo-ridge'))).toBe(true);
  expect(lines.length).toBeLessThanOrEqual(2);
}

/** Payload minus the two fields that differ between runs. */
function stable(payload: ScorePayload): ScorePayload {
  return { ...payload, metadata: { ...payload.metadata, timestamp: '', processing_time_ms: 0 } };
}

describe('echo-ridge score', () => {
  describe('the shipped examples with --no-mask -o', () => {
    let run: Run;
    beforeAll(() => {
      run = cli('score', EXAMPLES, '--no-mask', '-o', path('out.jsonl'));
    });

    it('exits 0 and writes 120 payloads in input order', () => {
      expect(run.code).toBe(0);
      const payloads = readLines<ScorePayload>(path('out.jsonl'));
      expect(payloads).toHaveLength(120);
      expect(payloads.map((p) => p.company_id)).toEqual(examples.map((c) => c.company_id));
    });

    it('writes an empty errors file beside the results', () => {
      expect(readFileSync(path('out.errors.jsonl'), 'utf8')).toBe('');
    });

    it('scores with the default context and weights, masking off, exactly as the engine does', () => {
      const engine = createScorer({ weights: loadWeights(REPO_WEIGHTS), mask: false });
      const payloads = readLines<ScorePayload>(path('out.jsonl'));
      expect(payloads.every((p) => p.masked === false)).toBe(true);
      expect(payloads.map(stable)).toEqual(examples.map((company) => stable(engine.score(company))));
    });

    it('prints its summary on stderr and nothing on stdout', () => {
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^scored .*companies\.jsonl: 120 lines, 120 scored, 0 failed in /);
      expect(run.stderr).toContain('masking off');
      expect(run.stderr).toContain(`results: ${path('out.jsonl')}`);
      expect(run.stderr).toContain(`errors:  ${path('out.errors.jsonl')}`);
      expectNoStackTrace(run);
    });
  });

  describe('a file with good and bad lines (BOM, CRLF, blank lines, bad JSON, schema errors)', () => {
    const schemaBad = JSON.parse(exampleLines[1]!) as Record<string, Record<string, unknown>> & { company_id: string };
    schemaBad.company_id = 'schema-bad';
    schemaBad.digital!.pagespeed = 85.5;
    schemaBad.digital!.crm_flag = 1;
    delete schemaBad.meta!.scrape_ts;
    const fileLines = [
      `\uFEFF${exampleLines[0]}`, // 1 valid, after a byte order mark
      '{"company_id": "broken", ', // 2 not JSON
      '', // 3 blank
      JSON.stringify(schemaBad), // 4 three schema errors
      exampleLines[2]!, // 5 valid
      '   ', // 6 whitespace only
      '[1, 2]', // 7 JSON, but not a company
      exampleLines[3]!, // 8 valid, no final newline
    ];
    let run: Run;
    beforeAll(() => {
      writeFileSync(path('mixed.jsonl'), fileLines.join('\r\n'), 'utf8');
      run = cli('score', path('mixed.jsonl'), '-o', path('mixed.out.jsonl'), '--errors', path('mixed.errors.jsonl'));
    });

    it('completes with exit 0', () => {
      expect(run.code).toBe(0);
      expectNoStackTrace(run);
    });

    it('writes a payload for each valid line, in input order', () => {
      const payloads = readLines<ScorePayload>(path('mixed.out.jsonl'));
      expect(payloads.map((p) => p.company_id)).toEqual([examples[0]!.company_id, examples[2]!.company_id, examples[3]!.company_id]);
      const engine = createScorer({ weights: loadWeights(REPO_WEIGHTS), mask: true });
      expect(payloads.map(stable)).toEqual([0, 2, 3].map((i) => stable(engine.score(examples[i]!))));
    });

    it('writes one error record per bad line with its line number, company_id and issue paths', () => {
      const errors = readLines<{ line: number; company_id?: string; error: { code: string; message: string; issues: { path: string; message: string }[] } }>(
        path('mixed.errors.jsonl'),
      );
      expect(errors.map((e) => e.line)).toEqual([2, 4, 7]);
      expect(errors[0]).toEqual({ line: 2, error: { code: 'INVALID_JSON', message: expect.stringMatching(/^Line is not valid JSON: /) as unknown as string, issues: [] } });
      expect(errors[1]).toEqual({
        line: 4,
        company_id: 'schema-bad',
        error: {
          code: 'VALIDATION_FAILED',
          message: 'Company record failed validation (3 issues: digital.pagespeed, digital.crm_flag, meta.scrape_ts)',
          issues: [
            { path: 'digital.pagespeed', message: 'must be an integer from 0 to 100' },
            { path: 'digital.crm_flag', message: 'must be true or false (not 0/1 or a string)' },
            { path: 'meta.scrape_ts', message: 'is required' },
          ],
        },
      });
      expect(errors[2]!.error.code).toBe('VALIDATION_FAILED');
      expect(errors[2]!.error.issues.map((issue) => issue.path)).toEqual(['company_id', 'domain', 'digital', 'ops', 'info_flow', 'market', 'budget', 'meta']);
      expect(errors[2]).not.toHaveProperty('company_id');
    });

    it('summarises on stderr: lines = scored + failed', () => {
      expect(run.stderr).toContain('mixed.jsonl: 6 lines, 3 scored, 3 failed');
      expect(run.stderr).toContain('masking on');
      expect(run.stdout).toBe('');
    });
  });

  describe('--deterministic', () => {
    let first: Run;
    let second: Run;
    beforeAll(() => {
      first = cli('score', path('five.jsonl'), '--deterministic', '--verbose');
      second = cli('score', path('five.jsonl'), '--deterministic', '--verbose');
    });

    it('writes payloads to stdout that are byte-identical across runs', () => {
      expect(first.code).toBe(0);
      expect(second.code).toBe(0);
      expect(first.stdout.split('\n').filter(Boolean)).toHaveLength(5);
      expect(first.stdout).toBe(second.stdout);
    });

    it('fixes timestamp and processing time, and matches the engine byte for byte', () => {
      const engine = createScorer({ weights: loadWeights(REPO_WEIGHTS), deterministic: true, verbose: true });
      const expected = examples.slice(0, 5).map((company) => JSON.stringify(engine.score(company)));
      expect(first.stdout).toBe(`${expected.join('\n')}\n`);
      for (const payload of first.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ScorePayload)) {
        expect(payload.metadata.timestamp).toBe('1970-01-01T00:00:00.000Z');
        expect(payload.metadata.processing_time_ms).toBe(0);
        expect(payload).toHaveProperty('verbose_risk');
      }
    });
  });

  it('refuses a weights file that breaks a constraint before scoring (exit 2, names weight and bound)', () => {
    writeFileSync(path('heavy.yaml'), readFileSync(REPO_WEIGHTS, 'utf8').replace('digital: 0.25', 'digital: 0.45').replace('budget: 0.15', 'budget: 0.01').replace('market: 0.20', 'market: 0.14'));
    const run = cli('score', EXAMPLES, '--weights', path('heavy.yaml'), '-o', path('heavy.out.jsonl'));
    expectUsageFailure(run, 'score', 'weights.digital = 0.45 is above max_component_weight 0.4');
    expect(run.stderr).toContain('weights.budget = 0.01 is below min_component_weight 0.05');
    expect(existsSync(path('heavy.out.jsonl'))).toBe(false);
  });
});

describe('echo-ridge validate', () => {
  it('exits 1 on a file with invalid lines, naming each line, id and issue', () => {
    writeFileSync(path('invalid.jsonl'), [exampleLines[0], '{"company_id": "half"', JSON.stringify({ ...JSON.parse(exampleLines[1]!), company_id: 'no-domain', domain: '' })].join('\n'));
    const run = cli('validate', path('invalid.jsonl'));
    expect(run.code).toBe(1);
    expectNoStackTrace(run);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^line 2: Line is not valid JSON: /);
    expect(lines[1]).toBe('line 3 (no-domain): domain must be a string of 1 to 253 characters');
    expect(lines[2]).toBe(`validated ${path('invalid.jsonl')}: 3 lines, 1 valid, 2 invalid`);
  });

  it('exits 0 on a valid file', () => {
    const run = cli('validate', EXAMPLES);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`validated ${EXAMPLES}: 120 lines, 120 valid, 0 invalid\n`);
  });
});

describe('echo-ridge validate-deterministic', () => {
  it('scores twice in separate processes and reports identical outputs (exit 0)', () => {
    writeFileSync(path('three.jsonl'), `${exampleLines.slice(0, 3).join('\n')}\nnot json\n`);
    const run = cli('validate-deterministic', path('three.jsonl'), '--no-mask');
    expect(run.code).toBe(0);
    expectNoStackTrace(run);
    const [run1, run2, verdict] = run.stdout.trim().split('\n');
    expect(run1).toMatch(/^run 1: results sha256 [0-9a-f]{64} {2}errors sha256 [0-9a-f]{64}$/);
    expect(run2!.replace('run 2', 'run 1')).toBe(run1);
    expect(verdict).toBe('deterministic: both runs produced identical outputs');
  });
});

describe('echo-ridge fit-context', () => {
  let fit: Run;
  let scored: Run;
  beforeAll(() => {
    fit = cli('fit-context', EXAMPLES, '-o', path('ctx.json'));
    scored = cli('score', path('five.jsonl'), '--context', path('ctx.json'), '--deterministic', '-o', path('ctx.out.jsonl'));
  });

  it('writes a context equal to the engine’s fit of the same file', () => {
    expect(fit.code).toBe(0);
    const written = parseContext(JSON.parse(readFileSync(path('ctx.json'), 'utf8')));
    const expected = fitContext(examples, { now: new Date(written.fitted_at!) });
    expect(written).toEqual(expected);
    expect(written.companies_count).toBe(83);
    expect(fit.stderr).toContain(`checksum ${expected.checksum}`);
    expect(fit.stderr).toContain('on 83 companies (confidence ≥ 0.7)');
  });

  it('writes a context that score --context accepts and uses', () => {
    expect(scored.code).toBe(0);
    const written = parseContext(JSON.parse(readFileSync(path('ctx.json'), 'utf8')));
    const payloads = readLines<ScorePayload>(path('ctx.out.jsonl'));
    expect(payloads).toHaveLength(5);
    for (const payload of payloads) expect(payload.metadata.norm_context).toEqual({ version: written.version, checksum: written.checksum });
  });

  it('a tampered context makes score exit 2 with one line and no stack trace', () => {
    const context = JSON.parse(readFileSync(path('ctx.json'), 'utf8')) as { stats: { digital_pagespeed: { mean: number } } };
    context.stats.digital_pagespeed.mean += 1;
    writeFileSync(path('tampered.json'), JSON.stringify(context));
    const run = cli('score', path('five.jsonl'), '--context', path('tampered.json'), '-o', path('tampered.out.jsonl'));
    expectUsageFailure(run, 'score', 'Normalization context refused: checksum');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(path('tampered.json'));
    expect(existsSync(path('tampered.out.jsonl'))).toBe(false);
  });
});

describe('echo-ridge weights check', () => {
  it('exits 0 on the repository file and lists the weights', () => {
    const run = cli('weights', 'check', REPO_WEIGHTS);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${REPO_WEIGHTS}: valid — version 1.0 (frozen); digital 0.25, ops 0.2, info_flow 0.2, market 0.2, budget 0.15\n`);
  });

  it('exits 1 on a file that breaks constraints, naming each weight and bound', () => {
    writeFileSync(path('bad-weights.yaml'), readFileSync(REPO_WEIGHTS, 'utf8').replace('ops: 0.20', 'ops: 0.02').replace('budget: 0.15', 'budget: 0.33'));
    const run = cli('weights', 'check', path('bad-weights.yaml'));
    expect(run.code).toBe(1);
    expectNoStackTrace(run);
    expect(run.stderr).toBe(`Invalid weights in ${path('bad-weights.yaml')}: weights.ops = 0.02 is below min_component_weight 0.05\n`);
  });
});

describe('usage errors: exit 2, one clear line, no stack trace', () => {
  it('an unknown command', () => {
    const run = cli('frobnicate');
    expect(run.code).toBe(2);
    expectNoStackTrace(run);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^echo-ridge: unknown command "frobnicate"; commands: score, validate, validate-deterministic, fit-context, weights/);
  });

  it('an unknown flag', () => {
    const run = cli('score', EXAMPLES, '--frobnicate');
    expectUsageFailure(run, 'score', "Unknown option '--frobnicate'");
  });

  it('a missing input file', () => {
    const run = cli('score', path('no-such-file.jsonl'), '-o', path('never.jsonl'));
    expectUsageFailure(run, 'score', `cannot read ${path('no-such-file.jsonl')}: no such file`);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
