import { AlertSchema, defaultContext, planRefresh, SAMPLE_WINDOW_DAYS, sampleWindow, type NormContext, type Weights } from '@echo-ridge/engine';
import type { ContextStore, SampleEntry } from '@echo-ridge/store';
import * as v from 'valibot';

export interface RefreshDependencies {
  contexts: ContextStore;
  /** The k lowest tickets of the reservoir on these days. */
  readReservoir(days: readonly string[], k: number): Promise<SampleEntry[]>;
  weights: Weights;
  sampleSize: number;
}

/** What a refresh did, as the handler returns it (and `echo-ridge context refresh` prints it) and its logs and metrics report it. */
export const RefreshReportSchema = v.object({
  outcome: v.picklist(['published', 'kept', 'lost_race']),
  /** Why the current context stayed, unless a new one was published. */
  reason: v.nullable(v.string()),
  /** The context the service scores with after the refresh. */
  version: v.string(),
  fitted_at: v.nullable(v.string()),
  /** Hours since `fitted_at` at the end of the refresh; null for a context that does not say when it was fitted. */
  age_hours: v.nullable(v.number()),
  /** Records read from the reservoir, and how many of them meet the confidence threshold. */
  sampled: v.number(),
  eligible: v.number(),
  /** Drift alerts between the current and the new sample, critical first; null when there was no current sample to compare with. */
  drift_alerts: v.nullable(v.array(AlertSchema)),
});
export type RefreshReport = v.InferOutput<typeof RefreshReportSchema>;

const MS_PER_HOUR = 3_600_000;

function ageHours(context: Pick<NormContext, 'fitted_at'>, now: Date): number | null {
  return context.fitted_at === null ? null : (now.getTime() - Date.parse(context.fitted_at)) / MS_PER_HOUR;
}

/**
 * One refresh: read the current context and the sample it was fitted on, draw a new sample from the
 * reservoir, fit and check drift (planRefresh), and publish only from the pointer that was read, so that
 * of two refreshes running at once one publishes and the other reports that it lost.
 */
export async function refreshContext(deps: RefreshDependencies, now: Date): Promise<RefreshReport> {
  const { contexts } = deps;
  const pointer = await contexts.pointer();
  const current = pointer ? await contexts.load(pointer) : defaultContext;
  const currentSample = pointer?.has_sample ? ((await contexts.sample(pointer.version)) ?? null) : null;
  const sample = (await deps.readReservoir(sampleWindow(now, SAMPLE_WINDOW_DAYS), deps.sampleSize)).map((entry) => entry.company);

  // A version shows its fit time to the second: two refreshes fitting the same sample in the same second write the same bytes.
  const fittedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const plan = planRefresh({ sample, current, currentSample, weights: deps.weights, now: fittedAt });
  const report = (outcome: RefreshReport['outcome'], reason: string | null, inUse: Pick<NormContext, 'version' | 'fitted_at'>): RefreshReport => ({
    outcome,
    reason,
    version: inUse.version,
    fitted_at: inUse.fitted_at,
    age_hours: ageHours(inUse, now),
    sampled: sample.length,
    eligible: plan.eligible,
    drift_alerts: plan.drift?.alerts ?? null,
  });

  if (plan.action === 'keep') return report('kept', plan.reason, current);
  const result = await contexts.publish(plan.context, { expected: pointer?.version ?? null, sample });
  if (result.published) return report('published', null, plan.context);
  const winner = result.current ?? current;
  return report('lost_race', `another publisher moved the pointer from ${pointer?.version ?? 'none'} to ${winner.version} first`, winner);
}
