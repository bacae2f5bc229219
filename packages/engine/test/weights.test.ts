import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWeights, DEFAULT_WEIGHTS_PATH, loadWeights, parseWeights, WeightsError, type Weights } from '../src/weights.js';
import { thrownBy } from './support/thrown.js';

const REPO_TEXT = readFileSync(DEFAULT_WEIGHTS_PATH, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'echo-ridge-weights-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The repository's file with its `weights:` block replaced. */
function withWeights(block: Record<string, number>): string {
  const lines = Object.entries(block).map(([name, value]) => `  ${name}: ${value}`);
  return REPO_TEXT.replace(/^weights:\n(?: {2}.*\n)+/m, `weights:\n${lines.join('\n')}\n`);
}

const weightsError = (run: () => unknown): WeightsError => thrownBy(WeightsError, run);

const STANDARD = { digital: 0.25, ops: 0.2, info_flow: 0.2, market: 0.2, budget: 0.15 };

describe('the repository weights.yaml', () => {
  const weights = loadWeights(DEFAULT_WEIGHTS_PATH);

  it('loads as version "1.0", frozen, with the five weights of spec §4', () => {
    expect(weights.version).toBe('1.0');
    expect(weights.frozen).toBe(true);
    expect(weights.weights).toEqual(STANDARD);
    expect(Object.keys(weights.weights).sort()).toEqual(['budget', 'digital', 'info_flow', 'market', 'ops']);
  });

  it('carries its constraints and passes them', () => {
    expect(weights.constraints).toEqual({ min_component_weight: 0.05, max_component_weight: 0.4, sum_tolerance: 1e-9, change_threshold: 0.05 });
    expect(checkWeights(weights)).toEqual([]);
  });

  it('the test helper really replaces the weights block', () => {
    expect(withWeights(STANDARD)).toBe(REPO_TEXT.replace(/^weights:\n(?: {2}.*\n)+/m, 'weights:\n  digital: 0.25\n  ops: 0.2\n  info_flow: 0.2\n  market: 0.2\n  budget: 0.15\n'));
    expect(parseWeights(withWeights({ ...STANDARD, digital: 0.3, budget: 0.1 })).weights.digital).toBe(0.3);
  });
});

describe('parseWeights', () => {
  it('accepts `operations` as the 1.1.0 name of `ops`', () => {
    const { ops: _ops, ...rest } = STANDARD;
    const weights = parseWeights(withWeights({ digital: rest.digital, operations: 0.2, info_flow: 0.2, market: 0.2, budget: 0.15 }));
    expect(weights.weights).toEqual(STANDARD);
    expect(weights.weights).not.toHaveProperty('operations');
  });

  it('refuses both `ops` and `operations`', () => {
    const error = weightsError(() => parseWeights(withWeights({ ...STANDARD, operations: 0.2 }), 'both.yaml'));
    expect(error.problems).toEqual(['weights give ops or operations, not both']);
    expect(error.message).toBe('Invalid weights in both.yaml: weights give ops or operations, not both');
  });

  it('refuses neither `ops` nor `operations`', () => {
    const { ops: _ops, ...rest } = STANDARD;
    expect(weightsError(() => parseWeights(withWeights(rest))).problems).toEqual(['weights ops (or its alias operations) is required']);
  });

  it('names the weight and the bound it falls below', () => {
    const error = weightsError(() => parseWeights(withWeights({ ...STANDARD, digital: 0.01, market: 0.44 }), 'low.yaml'));
    expect(error.problems).toEqual(['weights.digital = 0.01 is below min_component_weight 0.05', 'weights.market = 0.44 is above max_component_weight 0.4']);
    expect(error.source).toBe('low.yaml');
  });

  it('reports a sum that is not 1 beyond the tolerance', () => {
    expect(weightsError(() => parseWeights(withWeights({ ...STANDARD, digital: 0.3 }))).problems).toEqual(['weights sum to 1.0499999999999998, not 1 (sum_tolerance 1e-9)']);
  });

  it('accepts a sum within the tolerance', () => {
    expect(parseWeights(withWeights({ ...STANDARD, digital: 0.2500000001 })).weights.digital).toBe(0.2500000001);
  });

  it('reports every violated constraint together', () => {
    const error = weightsError(() => parseWeights(withWeights({ digital: 0.5, ops: 0.2, info_flow: 0.2, market: 0.2, budget: 0.01 }), 'all.yaml'));
    expect(error.problems).toEqual([
      'weights.digital = 0.5 is above max_component_weight 0.4',
      'weights.budget = 0.01 is below min_component_weight 0.05',
      'weights sum to 1.1099999999999999, not 1 (sum_tolerance 1e-9)',
    ]);
    expect(error.message).toBe(`Invalid weights in all.yaml: ${error.problems.join('; ')}`);
  });

  it('applies the constraints written in the file', () => {
    const text = withWeights({ ...STANDARD, digital: 0.45, market: 0.1, budget: 0.05 }).replace('max_component_weight: 0.40', 'max_component_weight: 0.50');
    expect(parseWeights(text).weights.digital).toBe(0.45);
    expect(weightsError(() => parseWeights(text.replace('min_component_weight: 0.05', 'min_component_weight: 0.06'))).problems).toEqual([
      'weights.budget = 0.05 is below min_component_weight 0.06',
    ]);
  });

  it('refuses a weight given as a string, naming its path', () => {
    expect(weightsError(() => parseWeights(REPO_TEXT.replace('digital: 0.25', 'digital: "0.25"'))).problems).toEqual(['weights.digital must be a number']);
  });

  it('refuses invalid YAML', () => {
    const error = weightsError(() => parseWeights('weights: [1, 2\nfoo: :', 'broken.yaml'));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^not valid YAML \(/);
    expect(error.message).toMatch(/^Invalid weights in broken\.yaml: not valid YAML/);
  });

  it('refuses an empty file and a file without constraints', () => {
    expect(weightsError(() => parseWeights('')).problems).toHaveLength(1);
    expect(weightsError(() => parseWeights(REPO_TEXT.replace(/^constraints:\n(?: {2}.*\n)+/m, ''))).problems[0]).toMatch(/^constraints /);
  });
});

describe('checkWeights', () => {
  it('returns the problems without throwing', () => {
    const weights: Weights = { ...parseWeights(REPO_TEXT), weights: { ...STANDARD, ops: 0.04, info_flow: 0.36 } };
    expect(checkWeights(weights)).toEqual(['weights.ops = 0.04 is below min_component_weight 0.05']);
  });
});

describe('loadWeights', () => {
  const saved = process.env.WEIGHTS_CONFIG_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.WEIGHTS_CONFIG_PATH;
    else process.env.WEIGHTS_CONFIG_PATH = saved;
  });

  it('names the path of a file that cannot be read', () => {
    const missing = join(dir, 'nope', 'weights.yaml');
    const error = weightsError(() => loadWeights(missing));
    expect(error.message).toBe(`Invalid weights in ${missing}: cannot be read (ENOENT)`);
  });

  it('names the path of a file that breaks a constraint', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, withWeights({ ...STANDARD, digital: 0.02, budget: 0.38 }));
    expect(weightsError(() => loadWeights(path)).message).toBe(`Invalid weights in ${path}: weights.digital = 0.02 is below min_component_weight 0.05`);
  });

  it('reads WEIGHTS_CONFIG_PATH when no path is given', () => {
    const path = join(dir, 'env.yaml');
    writeFileSync(path, withWeights({ digital: 0.3, ops: 0.2, info_flow: 0.2, market: 0.2, budget: 0.1 }).replace('version: "1.0"', 'version: "1.1-env"'));
    process.env.WEIGHTS_CONFIG_PATH = path;
    const weights = loadWeights();
    expect(weights.version).toBe('1.1-env');
    expect(weights.weights.digital).toBe(0.3);
  });

  it('falls back to the repository file without WEIGHTS_CONFIG_PATH', () => {
    delete process.env.WEIGHTS_CONFIG_PATH;
    expect(loadWeights().weights).toEqual(STANDARD);
  });

  it('reports a WEIGHTS_CONFIG_PATH that does not exist by its path', () => {
    process.env.WEIGHTS_CONFIG_PATH = join(dir, 'missing-env.yaml');
    expect(weightsError(() => loadWeights()).message).toContain(join(dir, 'missing-env.yaml'));
  });
});
