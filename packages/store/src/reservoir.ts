import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { lowestTickets, SAMPLE_RETENTION_DAYS, sampleTicket, type Company } from '@echo-ridge/engine';
import * as v from 'valibot';
import { createBatchWriter, type TableItem } from './batch-writes.js';
import { tableCall } from './retry.js';
import { TABLE_KEYS } from './table.js';
import type { TableContext } from './table-context.js';

/**
 * The reservoir of recent inputs (README: "Reservoir"): one small item per sampled company and day,
 * partitioned by day and sorted by ticket, so that the k lowest tickets of a day are the first k items
 * of its partition. A company scored again on the same day replaces its item: the sample counts
 * companies, with their latest input.
 */

const samplePartition = (day: string) => `SAMPLE#${day}`;

const SampleItemSchema = v.object({
  ticket: v.string(),
  /** The validated input as JSON text, numbers exactly as they were scored. */
  company: v.pipe(v.string(), v.parseJson()),
});

export interface SampleEntry {
  ticket: string;
  company: unknown;
}

/** Decides which inputs go into the reservoir and writes them; bound to the sampling rate and a clock. */
export interface Sampler {
  /**
   * For one stream of batched writes: the company's reservoir item when it is sampled now, else null,
   * and null for a company already given, as BatchWriteItem refuses two puts of one key in a call.
   */
  distinct(): (company: Company) => TableItem | null;
  /** Writes the items of the sampled companies among these; resolves to how many were sampled. */
  keep(companies: readonly Company[]): Promise<number>;
}

export function createSampler(table: Pick<TableContext, 'client' | 'tableName' | 'now'>, rate: number): Sampler {
  const item = (company: Company): TableItem | null => {
    const at = table.now();
    const drawn = sampleTicket(company.company_id, at, rate);
    if (drawn === null) return null;
    return {
      pk: samplePartition(drawn.day),
      sk: `${drawn.ticket}#${company.company_id}`,
      ticket: drawn.ticket,
      company: JSON.stringify(company),
      sampled_at: at.toISOString(),
      [TABLE_KEYS.timeToLive]: Math.floor(at.getTime() / 1000) + SAMPLE_RETENTION_DAYS * 86_400,
    };
  };
  const distinct = () => {
    const seen = new Set<string>();
    return (company: Company) => {
      const kept = item(company);
      if (kept === null || seen.has(company.company_id)) return null;
      seen.add(company.company_id);
      return kept;
    };
  };
  return {
    distinct,
    async keep(companies) {
      const sampleOf = distinct();
      const writer = createBatchWriter(table);
      let kept = 0;
      for (const company of companies) {
        const sample = sampleOf(company);
        if (sample === null) continue;
        await writer.add(sample);
        kept += 1;
      }
      await writer.flush();
      return kept;
    },
  };
}

/** The k entries of a day with the lowest tickets, reading no more than k items. */
async function lowestOfDay(table: Pick<TableContext, 'client' | 'tableName'>, day: string, k: number): Promise<SampleEntry[]> {
  const entries: SampleEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await tableCall('read reservoir', () =>
      table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': samplePartition(day) },
          ProjectionExpression: 'ticket, company',
          Limit: k - entries.length,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    entries.push(...(page.Items ?? []).map((item) => v.parse(SampleItemSchema, item)));
    startKey = page.LastEvaluatedKey;
  } while (startKey && entries.length < k);
  return entries;
}

/** A uniform sample of at most k of the company-days in the reservoir on these days: the k lowest tickets of them all. */
export async function readReservoir(table: Pick<TableContext, 'client' | 'tableName'>, days: readonly string[], k: number): Promise<SampleEntry[]> {
  const perDay = await Promise.all(days.map((day) => lowestOfDay(table, day, k)));
  return lowestTickets(perDay.flat(), k);
}
