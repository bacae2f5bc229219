import { describe, expect, it } from '@jest/globals';
import { adaptRecord } from '../../src/hybrid/adapter.js';
import { blend } from '../../src/hybrid/blend.js';
import { HybridInputError } from '../../src/hybrid/errors.js';
import { scoreHybrid } from '../../src/hybrid/hybrid.js';
import { createScorer } from '../../src/scorer.js';
import { readGolden } from '../support/fixtures.js';
import { thrownBy } from '../support/thrown.js';

interface AdapterCase {
  input: Record<string, unknown>;
  expected: { warnings: string[] };
}

interface BlendCase {
  ai_score: Record<string, unknown>;
}

const NOW = new Date('2026-01-02T03:04:05Z');
const scorer = createScorer({ deterministic: true });
// ent-11-11: crm and ecom markers, 12 services, three locations; the AI score of blend case 3 has all five dimensions.
const adapterCase = readGolden<AdapterCase>('adapter-cases.jsonl')[11]!;
const aiScore = readGolden<BlendCase>('blend-cases.jsonl')[3]!.ai_score;

const thrown = (run: () => unknown): HybridInputError => thrownBy(HybridInputError, run);

describe('scoreHybrid', () => {
  it('adapts the record, scores it deterministically and blends the payload with the AI score', () => {
    const result = scoreHybrid({ record: adapterCase.input, ai_score: aiScore, strategy: 'consensus', consensus_threshold: 0.25 }, scorer, NOW);
    const { company } = adaptRecord(adapterCase.input, NOW);

    expect(result.company_id).toBe('ent-11-11');
    expect(result.company).toEqual(company);
    expect(result.adapter_warnings).toEqual(adapterCase.expected.warnings);
    expect(result.deterministic).toEqual(scorer.score(company));
    expect(result.blend).toEqual(blend(aiScore, result.deterministic, { strategy: 'consensus', consensus_threshold: 0.25 }));
    expect(result.blend.metadata).toEqual({ ai_source: 'gpt-4o-mini', deterministic_version: '1.1.0', company_id: 'ent-11-11' });
    expect(result.blend.component_scores.deterministic_score.overall_score).toBeCloseTo(result.deterministic.final_score / 100, 12);
    expect(result.blend.config).toEqual({ ai_weight: 0.5, divergence_threshold: 0.3, consensus_threshold: 0.25 });
  });

  it('stamps a record without created_at with the injected time', () => {
    const place = { entity_id: 'ent-now' };
    expect(scoreHybrid({ record: place, ai_score: aiScore }, scorer, NOW).company.meta.scrape_ts).toBe('2026-01-02T03:04:05Z');
  });

  it('checks the AI score and options before scoring, naming every bad field', () => {
    const refusingScorer = {
      score: () => {
        throw new Error('scored a request that should have been refused');
      },
    };
    const error = thrown(() => scoreHybrid({ record: adapterCase.input, ai_score: { ...aiScore, overall_score: 2 }, strategy: 'vote', ai_weight: 3 }, refusingScorer, NOW));
    expect(error.issues).toEqual([
      { path: 'ai_score.overall_score', message: 'must be a number from 0 to 1' },
      { path: 'strategy', message: 'must be one of weighted_average, max_confidence, consensus' },
      { path: 'ai_weight', message: 'must be a number from 0 to 1' },
    ]);
  });

  it('refuses a request without a record or a record without an id', () => {
    expect(thrown(() => scoreHybrid({ ai_score: aiScore }, scorer, NOW)).issues).toEqual([{ path: 'record', message: 'is required' }]);
    expect(thrown(() => scoreHybrid({ record: { name: 'x' }, ai_score: aiScore }, scorer, NOW)).message).toBe(
      'Missing required field: entity_id or source_id (or place_id/id)',
    );
  });
});
