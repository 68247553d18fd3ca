/**
 * Container-wide singletons of the state layer: one DynamoDB document client, one warm cache, one store,
 * created on first use at module scope so every warm invocation of the Lambda reuses them.
 *
 * Env: TABLE_NAME (required), STATE_RETENTION_DAYS (default 30), IDEMPOTENCY_TTL_SECONDS (default 86400),
 * IDEMPOTENCY_IN_PROGRESS_SECONDS (default 60), QUEUE_LEASE_MS (turn queue lease, default 30000), QUEUE_SETTLE_MS
 * (a queued turn's settle time after its arrival, default 150), cache limits
 * (see warm-cache.ts). The endpoint comes from the
 * SDK's standard AWS_ENDPOINT_URL_DYNAMODB (the local stack points it at dynalite).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock, ConversationStore, KeyValueCache } from '../core/ports.js';
import { DEFAULT_RETENTION_DAYS, DynamoConversationStore, type DynamoRequestCounters } from './dynamo-store.js';
import { DynamoIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import { getWarmCache, type WarmCacheStats } from './warm-cache.js';
import { DEFAULT_LEASE_MS, DynamoTurnQueue } from './turn-queue.js';
import { DEFAULT_TENANT } from './keys.js';

/** A required setting is missing or malformed; names the variable. */
export class StoreConfigError extends Error {
  override readonly name = 'StoreConfigError';
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable} ${detail}`);
  }
}

const systemClock: Clock = { now: () => Date.now() };

let documentClient: DynamoDBDocumentClient | undefined;
let conversationStore: DynamoConversationStore | undefined;
let idempotencyStore: DynamoIdempotencyStore | undefined;
let turnQueue: DynamoTurnQueue | undefined;
const tenantQueues = new Map<string, DynamoTurnQueue>();
/** Per-tenant stores (the auth layer's tenant scope); the default tenant's is `conversationStore`. */
const tenantStores = new Map<string, DynamoConversationStore>();

function tableName(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new StoreConfigError('TABLE_NAME', 'is not set');
  return name;
}

function positiveNumber(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new StoreConfigError(variable, `must be a positive number, got "${raw}"`);
  return value;
}

/** The container's document client (removeUndefinedValues), created once. */
export function getDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return documentClient;
}

/** The container's ConversationStore (DynamoDB + warm cache), created once from env. */
export function getConversationStore(): ConversationStore {
  conversationStore ??= new DynamoConversationStore({
    client: getDocumentClient(),
    tableName: tableName(),
    cache: getWarmCache(),
    retentionDays: positiveNumber('STATE_RETENTION_DAYS', DEFAULT_RETENTION_DAYS),
    clock: systemClock,
  });
  return conversationStore;
}

/**
 * One tenant's ConversationStore, created once per container and tenant, on the given document client (the
 * tenant-scoped one in the orchestrate function; the shared one in async workers). Shares the warm cache:
 * its keys are tenant-qualified.
 */
export function getTenantConversationStore(tenant: string, client: DynamoDBDocumentClient = getDocumentClient()): DynamoConversationStore {
  let store = tenantStores.get(tenant);
  if (!store) {
    store = new DynamoConversationStore({
      client,
      tableName: tableName(),
      tenant,
      cache: getWarmCache(),
      retentionDays: positiveNumber('STATE_RETENTION_DAYS', DEFAULT_RETENTION_DAYS),
      clock: systemClock,
    });
    tenantStores.set(tenant, store);
  }
  return store;
}

/** An IdempotencyStore for one tenant and caller scope (cheap: no state of its own). */
export function getTenantIdempotencyStore(tenant: string, scope: string, client: DynamoDBDocumentClient = getDocumentClient()): IdempotencyStore {
  return new DynamoIdempotencyStore({
    client,
    tableName: tableName(),
    tenant,
    scope,
    clock: systemClock,
    retentionSeconds: positiveNumber('IDEMPOTENCY_TTL_SECONDS', 86_400),
    inProgressSeconds: positiveNumber('IDEMPOTENCY_IN_PROGRESS_SECONDS', 60),
  });
}

/** The table name from TABLE_NAME (for adapters wired next to the stores). */
export function getTableName(): string {
  return tableName();
}

/** Retention of conversations in days (STATE_RETENTION_DAYS). */
export function getRetentionDays(): number {
  return positiveNumber('STATE_RETENTION_DAYS', DEFAULT_RETENTION_DAYS);
}

/** The container's IdempotencyStore (same table), created once from env. */
export function getIdempotencyStore(): IdempotencyStore {
  idempotencyStore ??= new DynamoIdempotencyStore({
    client: getDocumentClient(),
    tableName: tableName(),
    clock: systemClock,
    retentionSeconds: positiveNumber('IDEMPOTENCY_TTL_SECONDS', 86_400),
    inProgressSeconds: positiveNumber('IDEMPOTENCY_IN_PROGRESS_SECONDS', 60),
  });
  return idempotencyStore;
}

/** The container's turn queue of the default tenant (LEASE items of the same table), created once from env. */
export function getTurnQueue(): DynamoTurnQueue {
  turnQueue ??= getTenantTurnQueue(DEFAULT_TENANT);
  return turnQueue;
}

/** One tenant's turn queue on the given (tenant-scoped) client, created once per container and tenant. */
export function getTenantTurnQueue(tenant: string, client: DynamoDBDocumentClient = getDocumentClient()): DynamoTurnQueue {
  let queue = tenantQueues.get(tenant);
  if (queue) return queue;
  queue = new DynamoTurnQueue({
    client,
    tenant,
    tableName: tableName(),
    clock: systemClock,
    leaseMs: positiveNumber('QUEUE_LEASE_MS', DEFAULT_LEASE_MS),
    settleMs: Number(process.env.QUEUE_SETTLE_MS ?? 150),
    retentionDays: positiveNumber('STATE_RETENTION_DAYS', DEFAULT_RETENTION_DAYS),
  });
  tenantQueues.set(tenant, queue);
  return queue;
}

/** The engine's checkpoint-evaluation cache: the container's warm cache, kind `checkpoint_evaluation`. */
export function getEvaluationCache<T>(): KeyValueCache<T> {
  return getWarmCache().view<T>('checkpoint_evaluation');
}

/** Hit/miss/eviction counts of the container's warm cache (for metrics and the debug timing field). */
export function getWarmCacheStats(): WarmCacheStats {
  return getWarmCache().stats();
}

/** DynamoDB requests/bytes this container has sent through the store's client (undefined before first use). */
export function getStoreRequestCounters(): DynamoRequestCounters | undefined {
  return conversationStore?.counters;
}
