import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_LIFETIME_SECONDS, IDEMPOTENT_REPLAYED_HEADER, IdempotencyKeySchema, type OperationId } from '@echo-ridge/contract';
import { idempotencyPartition, isTransient, StoreUnavailableError, TABLE_KEYS, type createDynamoDbClient, type TenantId, type WriteAttempt } from '@echo-ridge/store';
import * as v from 'valibot';
import { HttpError } from './http/errors.js';
import { header } from './http/headers.js';
import type { Reply } from './http/reply.js';
import type { RouteRequest } from './router.js';
import type { TenantService } from './service.js';

/**
 * `Idempotency-Key` on the writes the contract marks `idempotent`, with the Powertools Idempotency
 * utility on the service's own table. A request with a key runs once: Powertools puts an INPROGRESS
 * record (the key and a hash of the query and body) before the route runs and the route's answer on
 * it after, so the same request again gets that answer without running, a concurrent one a 409, and
 * the key with another query or body a 422. Powertools deletes its record when the route fails, so
 * the next attempt runs again: the route then writes with the request's WriteAttempt (the store's
 * write-attempts.ts), whose ids and time are the same for every attempt, and so replaces what a
 * failed attempt left instead of adding to it. Without the header a route runs as before.
 */

/** How a route answers an attempt, and what of its answer the idempotency record keeps. */
export interface IdempotentRoute {
  /** Answers the request; `attempt` (when the request has a key) names what it writes. */
  run: (request: RouteRequest, service: TenantService, attempt?: WriteAttempt) => Promise<Reply>;
  /**
   * What the record keeps of a reply (default: the whole reply as JSON text, its key order intact).
   * A record is one DynamoDB item of at most 400 KB: a route whose answers can be larger keeps less.
   */
  keep?: (reply: Reply) => string;
  /** The reply again, from what was kept, for a request sent again (default: the kept reply). */
  replay?: (kept: string, request: RouteRequest, service: TenantService) => Promise<Reply>;
}

/** One persistence layer per tenant and route: records lie in the tenant's partition, keys apart by route. */
export type IdempotencyRecords = (tenant: TenantId, operation: OperationId) => DynamoDBPersistenceLayer;

export function createIdempotencyRecords(client: ReturnType<typeof createDynamoDbClient>, tableName: string): IdempotencyRecords {
  const layers = new Map<string, DynamoDBPersistenceLayer>();
  return (tenant, operation) => {
    const id = `${tenant} ${operation}`;
    let layer = layers.get(id);
    if (!layer) {
      layer = new DynamoDBPersistenceLayer({
        tableName,
        // The service's client: its timeouts and retries, and its calls traced with the request.
        awsSdkV3Client: client,
        keyAttr: TABLE_KEYS.partitionKey,
        sortKeyAttr: TABLE_KEYS.sortKey,
        // TENANT#<tenant>#IDEMPOTENCY: inside the API role's LeadingKeys, and the tenant's alone.
        staticPkValue: idempotencyPartition(tenant),
        expiryAttr: TABLE_KEYS.timeToLive,
      });
      layers.set(id, layer);
    }
    return layer;
  };
}

const reused = () =>
  new HttpError(
    422,
    'IDEMPOTENCY_KEY_REUSED',
    `This ${IDEMPOTENCY_KEY_HEADER} was already used with another query or body: send a new key for a new request, and the same request with the same key.`,
  );

const inProgress = () =>
  new HttpError(409, 'IDEMPOTENCY_IN_PROGRESS', `A request with this ${IDEMPOTENCY_KEY_HEADER} is still running: retry after a moment to get its answer.`, undefined, {
    'retry-after': '1',
  });

/** Powertools' errors as the API answers them; the route's own errors pass as they are. */
function answerFor(error: unknown): unknown {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'IdempotencyValidationError') return reused();
  if (name === 'IdempotencyAlreadyInProgressError') return inProgress();
  if (name === 'IdempotencyPersistenceLayerError') {
    const { cause } = error as Error;
    // The table did not answer (or answered "later"): as retryable as any other write of the route.
    if (cause instanceof StoreUnavailableError) return cause;
    if (isTransient(cause)) return new StoreUnavailableError('idempotency record', cause);
  }
  return error;
}

/** The key of a request, when it sent one; a malformed one is refused before anything runs. */
function idempotencyKeyOf(request: RouteRequest): string | undefined {
  const value = header(request.event, IDEMPOTENCY_KEY_HEADER);
  if (value === undefined) return undefined;
  const checked = v.safeParse(IdempotencyKeySchema, value);
  if (!checked.success) throw new HttpError(400, 'INVALID_HEADER', `The ${IDEMPOTENCY_KEY_HEADER} header is invalid: it ${checked.issues[0].message}.`);
  return checked.output;
}

/** What must be the same for a key to be answered again: the query and the body, byte for byte. */
function fingerprint({ event }: RouteRequest) {
  return { query: event.queryStringParameters ?? {}, body: event.body ?? '', base64: event.isBase64Encoded };
}

const keepWhole = (reply: Reply) => JSON.stringify(reply);
const replayWhole = (kept: string) => Promise.resolve(JSON.parse(kept) as Reply);

/** The route, idempotent for requests that send `Idempotency-Key`. */
export function idempotent(operation: OperationId, route: IdempotentRoute): (request: RouteRequest, service: TenantService) => Promise<Reply> {
  const { keep = keepWhole, replay = replayWhole } = route;
  return async (request, service) => {
    const key = idempotencyKeyOf(request);
    if (key === undefined) return route.run(request, service);
    let answered: Reply | undefined;
    const runOnce = makeIdempotent(
      async (_call: { key: string; request: ReturnType<typeof fingerprint> }) => {
        const attempt = await service.store.claimAttempt(operation, key, IDEMPOTENCY_KEY_LIFETIME_SECONDS);
        answered = await route.run(request, service, attempt);
        return keep(answered);
      },
      {
        persistenceStore: service.idempotencyRecords(service.store.tenant, operation),
        // The record's sort key is `<operation>#<hash>`, the same on AWS and locally.
        keyPrefix: operation,
        config: new IdempotencyConfig({
          eventKeyJmesPath: 'key',
          payloadValidationJmesPath: 'request',
          expiresAfterSeconds: IDEMPOTENCY_KEY_LIFETIME_SECONDS,
          // An attempt that dies holds its key only until the function's own deadline.
          lambdaContext: request.lambdaContext,
        }),
      },
    );
    let kept: string;
    try {
      kept = await runOnce({ key, request: fingerprint(request) });
    } catch (error) {
      // The route ran and stored its writes; only putting its answer on the record failed. The answer
      // stands: the record stays INPROGRESS until the function's deadline, and an attempt after that
      // runs again and rewrites the same items.
      if (answered) {
        service.logger.warn('the answer of an idempotent request could not be recorded', { error: error as Error });
        return answered;
      }
      throw answerFor(error);
    }
    if (answered) return answered;
    const again = await replay(kept, request, service);
    return { ...again, headers: { ...again.headers, [IDEMPOTENT_REPLAYED_HEADER]: 'true' } };
  };
}
