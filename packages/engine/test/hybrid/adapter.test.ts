import { describe, expect, it } from '@jest/globals';
import { adaptRecord, MISSING_ID_MESSAGE } from '../../src/hybrid/adapter.js';
import { HybridInputError } from '../../src/hybrid/errors.js';
import { validateCompany } from '../../src/schema.js';
import { expectGoldenMatch } from '../support/golden-compare.js';
import { readGolden } from '../support/fixtures.js';
import { thrownBy } from '../support/thrown.js';

interface AdapterCase {
  input: Record<string, unknown>;
  expected: { company: { company_id: string; meta: { scrape_ts: string | null } }; warnings: string[] };
}

const NOW = new Date('2026-01-02T03:04:05.678Z');
const cases = readGolden<AdapterCase>('adapter-cases.jsonl');

const thrown = (run: () => unknown): HybridInputError => thrownBy(HybridInputError, run);

describe('adapter golden vectors', () => {
  it.each(cases.map((c) => [c.expected.company.company_id, c] as const))('%s converts as the 1.1.0 adapter did', (_id, c) => {
    const { company, warnings } = adaptRecord(c.input, NOW);
    const { scrape_ts: expectedTs, ...expectedMeta } = c.expected.company.meta;
    // `scrape_ts: null` in a vector means "now", which only the injected clock can tell.
    expect(company.meta.scrape_ts).toBe(expectedTs ?? '2026-01-02T03:04:05.678Z');
    expectGoldenMatch(company, { ...c.expected.company, meta: expectedMeta });
    expect(warnings).toEqual(c.expected.warnings);
    expect(validateCompany(company).ok).toBe(true);
  });
});

describe('adapter rules beyond the vectors', () => {
  const place = { entity_id: 'ent-1', created_at: '2025-03-01T10:00:00Z', confidence_score: 0.9 };

  it('accepts a bare place as well as a pipeline record', () => {
    expect(adaptRecord(place, NOW)).toEqual(adaptRecord({ place_norm: place }, NOW));
  });

  it('takes the id from entity_id, then source_id, place_id and id', () => {
    expect(adaptRecord({ source_id: 'src-1', place_id: 'pl-1' }, NOW).company.company_id).toBe('src-1');
    expect(adaptRecord({ entity_id: '', place_id: 'pl-1', id: 'id-1' }, NOW).company.company_id).toBe('pl-1');
    expect(adaptRecord({ id: 'id-1' }, NOW).company.domain).toBe('id-1.placeholder.com');
  });

  it('refuses a record without any id, naming the fields to give', () => {
    const error = thrown(() => adaptRecord({ place_norm: { name: 'No id' } }, NOW));
    expect(error.message).toBe(MISSING_ID_MESSAGE);
    expect(error.message).toBe('Missing required field: entity_id or source_id (or place_id/id)');
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues).toEqual([{ path: 'place_norm.entity_id', message: MISSING_ID_MESSAGE }]);
  });

  it('refuses a record that is not shaped like one, naming the field', () => {
    expect(thrown(() => adaptRecord('ent-1', NOW)).issues).toEqual([
      { path: 'place_norm', message: 'must be an object (a pipeline record {place_norm, web_snapshot?} or a bare place)' },
    ]);
    expect(thrown(() => adaptRecord({ place_norm: place, web_snapshot: { pages: 'home' } }, NOW)).issues).toEqual([
      { path: 'web_snapshot.pages', message: 'must be a list of pages' },
    ]);
    expect(thrown(() => adaptRecord({ entity_id: 7 }, NOW)).issues).toEqual([{ path: 'place_norm.entity_id', message: 'must be a string' }]);
  });

  it('refuses an id too long for a company record', () => {
    const error = thrown(() => adaptRecord({ entity_id: 'x'.repeat(257) }, NOW));
    expect(error.issues).toEqual([
      { path: 'company_id', message: 'must be a string of 1 to 256 characters' },
      { path: 'domain', message: 'must be a string of 1 to 253 characters' },
    ]);
  });

  it('converts created_at to UTC and reads a time without zone as UTC', () => {
    expect(adaptRecord({ ...place, created_at: '2025-03-01T12:30:00+02:00' }, NOW).company.meta.scrape_ts).toBe('2025-03-01T10:30:00Z');
    expect(adaptRecord({ ...place, created_at: '2025-03-01T10:00:00.250' }, NOW).company.meta.scrape_ts).toBe('2025-03-01T10:00:00.250Z');
  });

  it('announces a created_at that is not a date-time', () => {
    const { company, warnings } = adaptRecord({ ...place, created_at: 1740823200 }, NOW);
    expect(company.meta.scrape_ts).toBe('2026-01-02T03:04:05.678Z');
    expect(warnings.slice(0, 2)).toEqual(['No valid domain found, using entity_id as proxy: ent-1', 'Failed to parse created_at, using current time']);
  });

  it('reads the host of a website, without www. and port', () => {
    expect(adaptRecord({ ...place, website: 'HTTPS://WWW.Example.co.uk:8443/shop?x=1' }, NOW).company.domain).toBe('example.co.uk');
  });

  it('prefers metadata.domain over the website', () => {
    expect(adaptRecord({ ...place, website: 'https://a.example', metadata: { domain: ' B.Example ' } }, NOW).company.domain).toBe('b.example');
  });

  it('rejects a boolean confidence_score', () => {
    const { company, warnings } = adaptRecord({ ...place, confidence_score: true }, NOW);
    expect(company.meta.source_confidence).toBe(0.5);
    expect(warnings).toContain('Invalid or missing confidence_score, defaulting to 0.5');
  });

  it('treats a snapshot without pages as no website content', () => {
    const { warnings } = adaptRecord({ place_norm: place, web_snapshot: { pages: [] } }, NOW);
    expect(warnings).toContain('digital.crm_flag and ecom_flag set to False - no website content available');
  });
});
