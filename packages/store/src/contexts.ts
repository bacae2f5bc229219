import { GetObjectCommand, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { NormContextSchema, parseContext, serializeContext, type NormContext } from '@echo-ridge/engine';
import * as v from 'valibot';
import { cancellationCodes, conditionFailedAt } from './cancellation-reasons.js';
import { ContextVersionSchema } from './context-version.js';
import { ConflictError } from './errors.js';
import { tableCall } from './retry.js';
import type { TableContext } from './table-context.js';

/**
 * Published normalization contexts (README: "Contexts"). Each version is an immutable object in the
 * bucket, `contexts/<version>.json`, with the sample it was fitted on beside it; the table holds a
 * record per version and one pointer item naming the current version. The pointer only ever changes
 * from the version a publisher read, so of two publishers that read the same pointer one wins and the
 * other learns that it lost.
 */

const CONTEXT_PARTITION = 'CONTEXT';
const VERSION_PREFIX = 'VERSION#';
const POINTER_KEY = { pk: CONTEXT_PARTITION, sk: 'CURRENT' } as const;
/** Publishing runs again when DynamoDB cancels it only for a transaction in flight on the same items. */
const MAX_PUBLISH_ATTEMPTS = 3;
const versionKey = (version: string) => ({ pk: CONTEXT_PARTITION, sk: `${VERSION_PREFIX}${version}` });

export const contextObjectKey = (version: string) => `contexts/${version}.json`;
export const contextSampleKey = (version: string) => `contexts/${version}.sample.jsonl`;

const { checksum, fitted_at, companies_count } = NormContextSchema.entries;

/** What the table records of a published version: enough to list and check it without reading the object. */
export const PublishedContextSchema = v.object({
  version: ContextVersionSchema,
  checksum,
  fitted_at,
  companies_count,
  published_at: v.string(),
  /** Whether the sample it was fitted on is stored beside it, as the baseline of the next drift check. */
  has_sample: v.boolean(),
});
export type PublishedContext = v.InferOutput<typeof PublishedContextSchema>;

/** The current version, and the one it replaced. */
export const ContextPointerSchema = v.object({ ...PublishedContextSchema.entries, previous_version: v.nullable(v.string()) });
export type ContextPointer = v.InferOutput<typeof ContextPointerSchema>;

/** A stored context that cannot be used: missing, or not the content its record names. */
export class ContextRefusedError extends Error {
  override readonly name = 'ContextRefusedError';
}

export interface ContextStoreOptions {
  table: Pick<TableContext, 'client' | 'tableName' | 'now'>;
  s3: S3Client;
  bucket: string;
}

export type PublishResult = { published: true; pointer: ContextPointer } | { published: false; current: ContextPointer | undefined };

export function createContextStore({ table, s3, bucket }: ContextStoreOptions) {
  async function readObject(key: string): Promise<string | undefined> {
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await object.Body!.transformToString('utf8');
    } catch (error) {
      if (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)) return undefined;
      throw error;
    }
  }

  async function getItem<S extends v.GenericSchema>(operation: string, key: Record<string, string>, schema: S): Promise<v.InferOutput<S> | undefined> {
    const result = await tableCall(operation, () => table.client.send(new GetCommand({ TableName: table.tableName, Key: key })));
    return result.Item && v.parse(schema, result.Item);
  }

  const record = (version: string) => getItem('get context version', versionKey(version), PublishedContextSchema);
  const currentPointer = () => getItem('get context pointer', POINTER_KEY, ContextPointerSchema);

  return {
    /** The current version; undefined until a context was first published. */
    pointer: currentPointer,

    /** The record of a published version, undefined for a version never published. */
    record,

    /** Every published version, newest first. */
    async list(): Promise<PublishedContext[]> {
      const records: PublishedContext[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await tableCall('list context versions', () =>
          table.client.send(
            new QueryCommand({
              TableName: table.tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
              ExpressionAttributeValues: { ':pk': CONTEXT_PARTITION, ':prefix': VERSION_PREFIX },
              ScanIndexForward: false,
              ExclusiveStartKey: startKey,
            }),
          ),
        );
        records.push(...(page.Items ?? []).map((item) => v.parse(PublishedContextSchema, item)));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return records;
    },

    /**
     * The context a record names, refused when its object is missing, fails its own checksum
     * (edited after the fit) or holds other content than the record says (replaced after publishing).
     */
    async load(published: Pick<PublishedContext, 'version' | 'checksum'>): Promise<NormContext> {
      const key = contextObjectKey(published.version);
      const text = await readObject(key);
      if (text === undefined) throw new ContextRefusedError(`context ${published.version} is published but s3://${bucket}/${key} is missing`);
      let context: NormContext;
      try {
        context = parseContext(JSON.parse(text));
      } catch (error) {
        throw new ContextRefusedError(`s3://${bucket}/${key} is refused: ${(error as Error).message}`, { cause: error });
      }
      if (context.version !== published.version || context.checksum !== published.checksum) {
        throw new ContextRefusedError(
          `s3://${bucket}/${key} holds context ${context.version} (checksum ${context.checksum}), not the published ${published.version} (checksum ${published.checksum})`,
        );
      }
      return context;
    },

    /** The records a context was fitted on, as parsed JSON; undefined when none were stored with it. */
    async sample(version: string): Promise<unknown[] | undefined> {
      const text = await readObject(contextSampleKey(version));
      return text
        ?.split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as unknown);
    },

    /**
     * Stores the context (and its sample) under its version, then points the service at it, provided
     * the pointer still names `expected` (null: no context was published yet). A version names one
     * content: publishing another content under a published version raises ConflictError, so the
     * objects that old payloads name never change.
     */
    async publish(context: NormContext, options: { expected: string | null; sample?: readonly unknown[] }): Promise<PublishResult> {
      const version = v.parse(ContextVersionSchema, context.version);
      const existing = await record(version);
      if (existing && existing.checksum !== context.checksum) {
        throw new ConflictError(`context ${version} was published with checksum ${existing.checksum}; this one has ${context.checksum}`);
      }
      if (options.sample) {
        const lines = options.sample.map((company) => `${JSON.stringify(company)}\n`).join('');
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: contextSampleKey(version), Body: lines, ContentType: 'application/x-ndjson' }));
      }
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: contextObjectKey(version), Body: serializeContext(context), ContentType: 'application/json' }));

      const published: PublishedContext = {
        version,
        checksum: context.checksum,
        fitted_at: context.fitted_at,
        companies_count: context.companies_count,
        published_at: table.now().toISOString(),
        has_sample: options.sample !== undefined || (existing?.has_sample ?? false),
      };
      const pointer: ContextPointer = { ...published, previous_version: options.expected };
      const guard =
        options.expected === null
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': options.expected } };
      const transaction = {
        TransactItems: [
          { Put: { TableName: table.tableName, Item: { ...POINTER_KEY, ...pointer }, ...guard } },
          {
            Put: {
              TableName: table.tableName,
              Item: { ...versionKey(version), ...published },
              ConditionExpression: 'attribute_not_exists(pk) OR checksum = :checksum',
              ExpressionAttributeValues: { ':checksum': context.checksum },
            },
          },
        ],
      };
      for (let attempt = 1; ; attempt += 1) {
        try {
          await tableCall('publish context', () => table.client.send(new TransactWriteCommand(transaction)));
          return { published: true, pointer };
        } catch (error) {
          // The actions in the order of TransactItems: the pointer's put, then the version's.
          if (conditionFailedAt(error, 1)) throw new ConflictError(`context ${version} was meanwhile published with another checksum`);
          if (conditionFailedAt(error, 0)) return { published: false, current: await currentPointer() };
          // Another transaction on the same items was in flight: run again, and let the conditions decide.
          if (!cancellationCodes(error)?.includes('TransactionConflict') || attempt === MAX_PUBLISH_ATTEMPTS) throw error;
        }
      }
    },
  };
}

export type ContextStore = ReturnType<typeof createContextStore>;
