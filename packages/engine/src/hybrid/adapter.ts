import * as v from 'valibot';
import { pyFloatRepr } from '../format.js';
import { CompanySchema, validateWith, type Company } from '../schema.js';
import { HybridInputError } from './errors.js';
import { readPageSignals, type PageSignals } from './page-signals.js';
import { PipelineRecordSchema, type PipelineRecord, type Place } from './pipeline-record.js';
import { UnitIntervalSchema } from './unit-interval.js';

export const MISSING_ID_MESSAGE = 'Missing required field: entity_id or source_id (or place_id/id)';

/** What a pipeline record cannot tell is set to a neutral value where one exists, else to a minimal one. */
const DEFAULTS = {
  pagespeed: 50,
  employees: 1,
  locations: 1,
  services_count: 1,
  daily_docs_est: 10,
  competitor_density: 5,
  industry_growth_pct: 2.0,
  rivalry_index: 0.5,
  revenue_est_usd: 100_000,
  source_confidence: 0.5,
} as const;

const NO_CONTENT = 'no website content available';
const PAGESPEED_DEFAULTED = `digital.pagespeed set to neutral default (${DEFAULTS.pagespeed}) - no pagespeed data available`;
const EMPLOYEES_DEFAULTED = `ops.employees set to ${DEFAULTS.employees} - no employee count data available`;
const MARKET_AND_DOCS_DEFAULTED = [
  `info_flow.daily_docs_est set to minimal default (${DEFAULTS.daily_docs_est}) - no document volume data available`,
  `market.competitor_density set to neutral default (${DEFAULTS.competitor_density}) - no competitor data available`,
  `market.industry_growth_pct set to neutral default (${pyFloatRepr(DEFAULTS.industry_growth_pct)}) - no growth data available`,
  `market.rivalry_index set to neutral default (${pyFloatRepr(DEFAULTS.rivalry_index)}) - no rivalry data available`,
];

/** A field's value and, when it had to be defaulted, the warning that says so. */
interface Reading<T> {
  value: T;
  warning?: string;
}

export interface Adaptation {
  company: Company;
  /** Every defaulted or replaced field, in the order of the 1.1.0 adapter. */
  warnings: string[];
}

/**
 * Converts a pipeline record `{place_norm, web_snapshot?}` (or a bare place) into a company record
 * (spec §10). `now` stands in for a missing or unparsable `created_at`. Throws a `HybridInputError`
 * when the record has no identifier or is not shaped like a record.
 */
export function adaptRecord(input: unknown, now: Date): Adaptation {
  const { place_norm: place, web_snapshot: snapshot } = parseRecord(input);
  const companyId = companyIdOf(place);
  const pages = snapshot?.pages ?? [];
  // An empty page still counts as crawled content; only a record without pages has none.
  const signals = pages.length > 0 ? readPageSignals(pages.map((page) => page.text ?? '').join('\n').toLowerCase()) : undefined;

  const domain = readDomain(place, companyId);
  const scrapeTs = readScrapeTs(place.created_at, now);
  const confidence = readConfidence(place.confidence_score);
  const flags = readFlags(signals);
  const locations = readLocations(place.provenance);
  const servicesCount = readServicesCount(signals);
  const revenue = readRevenue(signals);

  const company = validateWith(CompanySchema, {
    company_id: companyId,
    domain: domain.value,
    digital: { pagespeed: DEFAULTS.pagespeed, crm_flag: flags.value.crm, ecom_flag: flags.value.ecommerce },
    ops: { employees: DEFAULTS.employees, locations: locations.value, services_count: servicesCount.value },
    info_flow: { daily_docs_est: DEFAULTS.daily_docs_est },
    market: { competitor_density: DEFAULTS.competitor_density, industry_growth_pct: DEFAULTS.industry_growth_pct, rivalry_index: DEFAULTS.rivalry_index },
    budget: { revenue_est_usd: revenue.value },
    meta: { scrape_ts: scrapeTs.value, source_confidence: confidence.value },
  });
  // Only overlong identifiers or domains get here; everything else the adapter sets is valid by construction.
  if (!company.ok) throw HybridInputError.fromIssues(`Record ${companyId} does not convert to a valid company`, company.issues);

  const warnings = [
    domain.warning,
    scrapeTs.warning,
    confidence.warning,
    PAGESPEED_DEFAULTED,
    ...flags.warnings,
    locations.warning,
    servicesCount.warning,
    EMPLOYEES_DEFAULTED,
    ...MARKET_AND_DOCS_DEFAULTED,
    revenue.warning,
  ];
  return { company: company.value, warnings: warnings.filter((warning) => warning !== undefined) };
}

function parseRecord(input: unknown): PipelineRecord {
  const isRecord = typeof input === 'object' && input !== null && 'place_norm' in input;
  const record = validateWith(PipelineRecordSchema, isRecord ? input : { place_norm: input });
  if (!record.ok) throw HybridInputError.fromIssues('Invalid pipeline record', record.issues);
  return record.value;
}

function companyIdOf(place: Place): string {
  const companyId = [place.entity_id, place.source_id, place.place_id, place.id].find((candidate) => candidate?.trim());
  if (!companyId) throw new HybridInputError(MISSING_ID_MESSAGE, [{ path: 'place_norm.entity_id', message: MISSING_ID_MESSAGE }]);
  return companyId;
}

function readDomain(place: Place, companyId: string): Reading<string> {
  const declared = place.metadata?.domain;
  if (typeof declared === 'string' && declared.trim()) return { value: declared.trim().toLowerCase() };
  const host = typeof place.website === 'string' && URL.canParse(place.website) ? new URL(place.website).hostname.toLowerCase().replace(/^www\./, '') : '';
  if (host) return { value: host };
  return { value: `${companyId}.placeholder.com`, warning: `No valid domain found, using entity_id as proxy: ${companyId}` };
}

const ScrapeTsSchema = CompanySchema.entries.meta.entries.scrape_ts;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

// The 1.1.0 adapter wrote UTC times without a fraction when there was none ("2025-03-01T10:00:00Z").
function isoUtc(time: Date): string {
  return time.toISOString().replace('.000Z', 'Z');
}

function readScrapeTs(createdAt: unknown, now: Date): Reading<string> {
  if (createdAt === undefined || createdAt === null || createdAt === '') return { value: isoUtc(now), warning: 'Missing created_at field, using current time' };
  if (!v.is(ScrapeTsSchema, createdAt)) return { value: isoUtc(now), warning: 'Failed to parse created_at, using current time' };
  // A time without a zone is UTC here, whatever the machine's local zone.
  return { value: isoUtc(new Date(HAS_ZONE.test(createdAt) ? createdAt : `${createdAt}Z`)) };
}

function readConfidence(confidence: unknown): Reading<number> {
  if (confidence === undefined) return { value: DEFAULTS.source_confidence };
  if (v.is(UnitIntervalSchema, confidence)) return { value: confidence };
  return { value: DEFAULTS.source_confidence, warning: `Invalid or missing confidence_score, defaulting to ${pyFloatRepr(DEFAULTS.source_confidence)}` };
}

function readFlags(signals: PageSignals | undefined): { value: { crm: boolean; ecommerce: boolean }; warnings: string[] } {
  if (!signals) return { value: { crm: false, ecommerce: false }, warnings: [`digital.crm_flag and ecom_flag set to False - ${NO_CONTENT}`] };
  const warnings = [];
  if (!signals.crm) warnings.push('digital.crm_flag set to False - no unambiguous CRM markers detected');
  if (!signals.ecommerce) warnings.push('digital.ecom_flag set to False - no unambiguous e-commerce markers detected');
  return { value: { crm: signals.crm, ecommerce: signals.ecommerce }, warnings };
}

/** Each source that reported the place is taken as one location. */
function readLocations(provenance: unknown[] | null | undefined): Reading<number> {
  const sources = provenance?.length ?? 0;
  return sources > 1 ? { value: sources } : { value: DEFAULTS.locations, warning: `ops.locations set to ${DEFAULTS.locations} - single location assumed` };
}

function readServicesCount(signals: PageSignals | undefined): Reading<number> {
  const defaulted = (reason: string) => ({ value: DEFAULTS.services_count, warning: `ops.services_count set to ${DEFAULTS.services_count} - ${reason}` });
  if (!signals) return defaulted(NO_CONTENT);
  return signals.servicesCount === undefined ? defaulted('no explicit service count found') : { value: signals.servicesCount };
}

function readRevenue(signals: PageSignals | undefined): Reading<number> {
  const defaulted = (reason: string) => ({ value: DEFAULTS.revenue_est_usd, warning: `budget.revenue_est_usd set to minimal default (${DEFAULTS.revenue_est_usd}) - ${reason}` });
  if (!signals) return defaulted(NO_CONTENT);
  return signals.revenueEstimateUsd === undefined ? defaulted('no pricing data found') : { value: signals.revenueEstimateUsd };
}
