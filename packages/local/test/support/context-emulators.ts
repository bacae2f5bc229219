import { createContextStore, createDocumentClient, type ContextStore } from '@echo-ridge/store';
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { LOCAL_AWS } from '../../src/dynamodb-local.js';
import { ensureScoreTable } from '../../src/score-table.js';
import { startBatchEmulators, type BatchEmulators } from './emulators.js';

/** The table context of the store: client, table and clock. */
export interface ContextTable {
  client: ReturnType<typeof createDocumentClient>;
  tableName: string;
  now: () => Date;
}

export interface ContextEmulators {
  /** DynamoDB Local and fauxqs with the stack's bucket; started once for the file. */
  readonly emulators: BatchEmulators;
  /** This test's table. */
  readonly tableName: string;
  readonly table: () => ContextTable;
  /** The published contexts of this test's table and the shared bucket. */
  readonly contexts: ContextStore;
}

/**
 * The emulators of the tests of published contexts, the reservoir and the refresh: one DynamoDB Local
 * and fauxqs for the file, and a table of its own for every test, so that each starts with an empty
 * reservoir and no context pointer (the bucket's keys are unique per version anyway). Registers its jest
 * hooks, so call it at the top of the file; a file's own beforeEach runs after the new table exists.
 */
export function useContextEmulators(tablePrefix: string, now: () => Date): ContextEmulators {
  let emulators: BatchEmulators | undefined;
  let documents: ContextTable['client'] | undefined;
  let tableName = '';
  let tables = 0;
  let contexts: ContextStore | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the context emulators are used outside a test');
    return value;
  };
  const table = (): ContextTable => ({ client: started(documents), tableName, now });

  beforeAll(async () => {
    emulators = await startBatchEmulators();
    documents = createDocumentClient({ region: LOCAL_AWS.region, endpoint: emulators.dynamoDb.endpoint });
  });

  afterAll(async () => {
    documents?.destroy();
    await emulators?.stop();
  });

  beforeEach(async () => {
    const { dynamoDb, s3, bucket } = started(emulators);
    tableName = `${tablePrefix}-${(tables += 1)}`;
    await ensureScoreTable(dynamoDb.endpoint, tableName);
    contexts = createContextStore({ table: table(), s3, bucket });
  });

  return {
    get emulators() {
      return started(emulators);
    },
    get tableName() {
      return tableName;
    },
    table,
    get contexts() {
      return started(contexts);
    },
  };
}
