import * as v from 'valibot';
import { InvalidCursorError } from './errors.js';

/** A key as DynamoDB returns it in LastEvaluatedKey: every key attribute of this table is a string. */
export type TableKey = Record<string, string>;

const TableKeySchema = v.record(v.string(), v.string());

/** Opaque to clients: the last key of a page, as base64url JSON. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Accepts a cursor only if it has exactly the key attributes of the listing and lies in the listing's
 * partition, so a cursor cannot be replayed against another company or batch.
 */
export function decodeCursor(cursor: string, attributes: readonly string[], partition: TableKey): TableKey {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const parsed = v.safeParse(TableKeySchema, decoded);
  if (!parsed.success) throw new InvalidCursorError();
  const key = parsed.output;
  const names = Object.keys(key);
  const sameAttributes = names.length === attributes.length && attributes.every((name) => name in key);
  const samePartition = Object.entries(partition).every(([name, value]) => key[name] === value);
  if (!sameAttributes || !samePartition) throw new InvalidCursorError();
  return key;
}

/** One page of a listing; `next_cursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** The largest page a caller may ask for; DynamoDB reads at most 1 MB per query anyway. */
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}
