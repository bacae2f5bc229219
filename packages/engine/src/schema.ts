import * as v from 'valibot';

/**
 * The company record (spec §1). Every field is required; unknown keys are dropped. Messages state the
 * rule so that a caller can fix the record from the message alone; the dotted path is added by
 * `validateCompany`.
 */
const integer = (min: number, max = Infinity) => {
  const rule = max === Infinity ? `must be an integer ≥ ${min}` : `must be an integer from ${min} to ${max}`;
  // One check, so a value that breaks several parts of the rule (Infinity, 1e999) is reported once.
  return v.pipe(v.number(rule), v.check((x) => Number.isInteger(x) && x >= min && x <= max, rule));
};

/** Lengths in characters (code points) as the 1.1.0 engine counted them, not UTF-16 units. */
const text = (max: number) => {
  const rule = `must be a string of 1 to ${max} characters`;
  return v.pipe(
    v.string(rule),
    v.check((s) => s.length > 0 && (s.length <= max || [...s].length <= max), rule),
  );
};

const ratio = v.pipe(v.number('must be a number from 0 to 1'), v.minValue(0, 'must be a number from 0 to 1'), v.maxValue(1, 'must be a number from 0 to 1'));

const flag = v.boolean('must be true or false (not 0/1 or a string)');

// ISO-8601 date-time: a date, a time to at least minutes, optional fraction and zone.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))?$/i;

/** Date.parse rolls 2025-02-30 over to March; a scrape time must name a day and time that exist. */
function isCalendarDateTime(value: string): boolean {
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return true; // the format rule has already reported it
  // Absent optional parts (seconds, zone) read as 0.
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, zoneHour = 0, zoneMinute = 0] = match.slice(1).map((part) => Number(part ?? 0));
  const date = new Date(Date.UTC(year, month - 1, day));
  const dateExists = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return dateExists && hour < 24 && minute < 60 && second < 60 && zoneHour < 24 && zoneMinute < 60;
}

export const CompanySchema = v.object({
  company_id: text(256),
  domain: text(253),
  digital: v.object(
    {
      pagespeed: integer(0, 100),
      crm_flag: flag,
      ecom_flag: flag,
    },
    'must be an object with pagespeed, crm_flag and ecom_flag',
  ),
  ops: v.object(
    {
      employees: integer(0),
      locations: integer(0),
      services_count: integer(0),
    },
    'must be an object with employees, locations and services_count',
  ),
  info_flow: v.object({ daily_docs_est: integer(0) }, 'must be an object with daily_docs_est'),
  market: v.object(
    {
      competitor_density: integer(0),
      industry_growth_pct: v.pipe(v.number('must be a finite number (percent)'), v.finite('must be a finite number (percent)')),
      rivalry_index: ratio,
    },
    'must be an object with competitor_density, industry_growth_pct and rivalry_index',
  ),
  budget: v.object(
    {
      revenue_est_usd: v.pipe(v.number('must be a finite number ≥ 0'), v.finite('must be a finite number ≥ 0'), v.minValue(0, 'must be a finite number ≥ 0')),
    },
    'must be an object with revenue_est_usd',
  ),
  meta: v.object(
    {
      scrape_ts: v.pipe(
        v.string('must be an ISO-8601 date-time string such as 2025-09-10T09:00:00Z'),
        v.regex(ISO_DATE_TIME, 'must be an ISO-8601 date-time string such as 2025-09-10T09:00:00Z'),
        v.check(isCalendarDateTime, 'must be a real calendar date-time'),
      ),
      source_confidence: ratio,
    },
    'must be an object with scrape_ts and source_confidence',
  ),
});

export type Company = v.InferOutput<typeof CompanySchema>;

/** One problem with one field: `path` is dotted (`digital.pagespeed`), `message` states the rule. */
export const ValidationIssueSchema = v.object({ path: v.string(), message: v.string() });
export type ValidationIssue = v.InferOutput<typeof ValidationIssueSchema>;

export type Validation<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** Turns valibot issues into dotted-path issues; a missing field says so instead of naming a type. */
export function toValidationIssues(issues: readonly v.BaseIssue<unknown>[]): ValidationIssue[] {
  return issues.map((issue) => {
    const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
    // valibot reports a missing key with the parent object's message; the useful fact is the absence.
    const missing = issue.received === 'undefined';
    return { path: path || '(record)', message: missing ? 'is required' : issue.message };
  });
}

/** Validates a record against `schema`, reporting every issue at once. */
export function validateWith<S extends v.GenericSchema>(schema: S, input: unknown): Validation<v.InferOutput<S>> {
  const result = v.safeParse(schema, input);
  return result.success ? { ok: true, value: result.output } : { ok: false, issues: toValidationIssues(result.issues) };
}

export function validateCompany(input: unknown): Validation<Company> {
  return validateWith(CompanySchema, input);
}
