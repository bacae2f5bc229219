import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, type Page, type PageRequest, type TableKey } from './cursor.js';
import { tableCall } from './retry.js';
import type { TableContext } from './table-context.js';

export interface Listing {
  operation: string;
  query: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>;
  /** The key attributes of an item in this listing: the table's, plus the index's when querying one. */
  keyAttributes: readonly string[];
  /** The partition the listing reads, which a cursor must belong to. */
  partition: TableKey;
}

/**
 * Reads one page. It asks for one item more than the page holds so that the last page says so
 * (next_cursor null) instead of handing out a cursor to an empty page; when DynamoDB stops early at
 * its 1 MB read limit, its own last key continues the listing.
 */
export async function queryPage(table: TableContext, listing: Listing, page: PageRequest): Promise<Page<Record<string, unknown>>> {
  const startKey = page.cursor === undefined ? undefined : decodeCursor(page.cursor, listing.keyAttributes, listing.partition);
  const result = await tableCall(listing.operation, () =>
    table.client.send(new QueryCommand({ ...listing.query, TableName: table.tableName, Limit: page.limit + 1, ExclusiveStartKey: startKey })),
  );
  const items = result.Items ?? [];
  if (items.length <= page.limit) return { items, next_cursor: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : null };
  const kept = items.slice(0, page.limit);
  const last = kept[kept.length - 1]!;
  return { items: kept, next_cursor: encodeCursor(Object.fromEntries(listing.keyAttributes.map((name) => [name, last[name]]))) };
}
