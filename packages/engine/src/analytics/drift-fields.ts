import { describeSample, type Description } from './descriptive.js';

/** The eleven scored input fields of a company record, by dotted path, in schema order. */
export const DRIFT_FIELDS = [
  'digital.pagespeed',
  'digital.crm_flag',
  'digital.ecom_flag',
  'ops.employees',
  'ops.locations',
  'ops.services_count',
  'info_flow.daily_docs_est',
  'market.competitor_density',
  'market.industry_growth_pct',
  'market.rivalry_index',
  'budget.revenue_est_usd',
] as const;
export type DriftField = (typeof DRIFT_FIELDS)[number];

/**
 * A field's value in a raw record: booleans as 0/1, anything missing, null or non-numeric as null. Drift
 * is measured on what arrives, so invalid records count too — a field that stops being filled is drift.
 */
export function fieldValue(record: unknown, path: DriftField): number | null {
  let node: unknown = record;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'boolean') return node ? 1 : 0;
  return typeof node === 'number' && Number.isFinite(node) ? node : null;
}

/** Statistics of the present values, with the null and zero rates taken over all records. */
export interface FieldProfile extends Description {
  records: number;
  null_rate: number;
  zero_rate: number;
}

export function profileField(records: readonly unknown[], path: DriftField): FieldProfile {
  const values: number[] = [];
  for (const record of records) {
    const value = fieldValue(record, path);
    if (value !== null) values.push(value);
  }
  const count = records.length;
  return {
    records: count,
    null_rate: count === 0 ? 0 : (count - values.length) / count,
    zero_rate: count === 0 ? 0 : values.filter((value) => value === 0).length / count,
    ...describeSample(values),
  };
}
