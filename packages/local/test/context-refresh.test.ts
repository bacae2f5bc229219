import { createHandler, refreshContext, type RefreshReport } from '@echo-ridge/context-refresh';
import { defaultContext, loadWeights, validateCompany, type Company } from '@echo-ridge/engine';
import { createSampler, readReservoir, type ContextStore } from '@echo-ridge/store';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { CONTEXT_REFRESH_FUNCTION, contextRefreshEnv } from '../src/context-refresh-runtime.js';
import { LOCAL_AWS } from '../src/dynamodb-local.js';
import { createSandboxPool } from '../src/sandbox-pool.js';
import { EXAMPLE_COMPANIES as examples } from './support/companies.js';
import { useContextEmulators } from './support/context-emulators.js';

/** The refresh function on DynamoDB Local and fauxqs: the reservoir in, a published context and its metrics' figures out. */

/** The example cohort `times` over under other ids: 83 of every 120 meet the 0.7 confidence threshold. */
const cohort = (times: number, change: (company: Company) => Company = (c) => c): Company[] =>
  Array.from({ length: times }, (_, copy) =>
    examples.map((company) => {
      const checked = validateCompany(change({ ...company, company_id: `${company.company_id}-${copy}` }));
      if (!checked.ok) throw new Error('the cohort is valid');
      return checked.value;
    }),
  ).flat();
// Growth figures reported in basis points instead of percent.
const inBasisPoints = (company: Company): Company => ({ ...company, market: { ...company.market, industry_growth_pct: company.market.industry_growth_pct * 100 } });

const local = useContextEmulators('refresh', () => new Date());
const { table } = local;
let refresh: () => Promise<RefreshReport>;

const sample = (companies: readonly Company[]) => createSampler(table(), 1).keep(companies);

beforeEach(() => {
  const { dynamoDb, fauxqs, bucket } = local.emulators;
  const env = { ...contextRefreshEnv({ dynamoDbEndpoint: dynamoDb.endpoint, s3Endpoint: fauxqs.endpoint, tableName: local.tableName, bucket }), LOG_LEVEL: 'SILENT' };
  const pool = createSandboxPool<unknown, RefreshReport>(() => createHandler(env), { ...CONTEXT_REFRESH_FUNCTION, region: LOCAL_AWS.region });
  refresh = () => pool.invoke({});
});

describe('context refresh', () => {
  it('keeps the bundled context while too few sampled companies meet the confidence threshold, and says so', async () => {
    await sample(cohort(1));
    const report = await refresh();
    expect(report).toMatchObject({
      outcome: 'kept',
      reason: 'only 83 sampled companies meet confidence threshold 0.7; a context is published from 100',
      version: defaultContext.version,
      sampled: 120,
      eligible: 83,
      drift_alerts: null,
    });
    expect(await local.contexts.pointer()).toBeUndefined();
  });

  it('publishes a context fitted on the reservoir, with the sample beside it', async () => {
    const companies = cohort(2);
    await sample(companies);
    const report = await refresh();
    expect(report).toMatchObject({ outcome: 'published', reason: null, sampled: 240, eligible: 166, drift_alerts: null });
    const pointer = await local.contexts.pointer();
    expect(pointer).toMatchObject({ version: report.version, companies_count: 166, has_sample: true, previous_version: null });
    const context = await local.contexts.load(pointer!);
    expect(context.fitted_at).toBe(report.fitted_at);
    expect(report.age_hours).toBeGreaterThanOrEqual(0);
    expect(report.age_hours).toBeLessThan(1);
    const stored = (await local.contexts.sample(report.version)) as Company[];
    expect(stored.map((company) => company.company_id).sort()).toEqual(companies.map((company) => company.company_id).sort());
  });

  it('raises no drift alert for a stable sample, and critical ones for a shifted sample', async () => {
    await sample(cohort(2));
    const first = await refresh();
    expect(first.outcome).toBe('published');

    // The same companies scored again with the same inputs replace their reservoir items.
    await sample(cohort(2));
    const stable = await refresh();
    expect(stable.outcome).toBe('published');
    expect(stable.drift_alerts).toEqual([]);

    await sample(cohort(2, inBasisPoints));
    const shifted = await refresh();
    expect(shifted.outcome).toBe('published');
    expect(shifted.drift_alerts?.filter((alert) => alert.severity === 'critical').map((alert) => alert.id)).toContain('mean_shift:market.industry_growth_pct');
    expect((await local.contexts.pointer())?.previous_version).toBe(stable.version);
  });

  it('lets one of two refreshes running at once publish; the other reports that it lost, and nothing is corrupt', async () => {
    await sample(cohort(2));
    // Both read the pointer before either publishes: the interleaving that a race needs.
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    const racing: ContextStore = {
      ...local.contexts,
      async pointer() {
        const pointer = await local.contexts.pointer();
        if ((arrived += 1) === 2) release();
        await bothRead;
        return pointer;
      },
    };
    const deps = { contexts: racing, readReservoir: (days: readonly string[], k: number) => readReservoir(table(), days, k), weights: loadWeights(), sampleSize: 5000 };
    // A second apart, so that each fits a context of its own version; the window of two days holds today's reservoir either way.
    const at = Date.now();
    const reports = await Promise.all([refreshContext(deps, new Date(at)), refreshContext(deps, new Date(at + 1000))]);

    expect(reports.map((report) => report.outcome).sort()).toEqual(['lost_race', 'published']);
    const winner = reports.find((report) => report.outcome === 'published')!;
    const loser = reports.find((report) => report.outcome === 'lost_race')!;
    expect(loser).toMatchObject({ version: winner.version, reason: `another publisher moved the pointer from none to ${winner.version} first` });
    const pointer = (await local.contexts.pointer())!;
    expect(pointer.version).toBe(winner.version);
    expect((await local.contexts.load(pointer)).version).toBe(winner.version);
    expect((await local.contexts.list()).map((record) => record.version)).toEqual([winner.version]);
  });
});
