/**
 * ConversationStore on one DynamoDB table (keys pk/sk), behind the warm in-container cache.
 *
 * Items
 *   pk=T#<tenant>#CONV#<id> sk=STATE           every top-level field of ConversationState as its own attribute,
 *                                               plus `version` (number, 1 on create), `expires_at` (TTL, epoch s).
 *   pk=T#<tenant>#CONV#<id> sk=TURN#<00000042> one TurnRecord per committed turn (+ `expires_at`).
 * Keys come from keys.ts (the one owner of the layout); a store instance serves one tenant.
 * The state item never holds per-turn history (the engine keeps `context` bounded: a summary plus the last
 * few turns), so its size is independent of the number of turns; the growth test proves it.
 *
 * Writes
 *   create  PutItem, `attribute_not_exists(pk)`            (two first turns racing: one wins, one conflicts)
 *   update  ONE UpdateItem: SET/REMOVE only the top-level fields whose value differs (deep equality) from
 *           the state that was read, `SET version = version + 1`, `updated_at`, `expires_at`,
 *           `ConditionExpression version = :read`.
 * A failed condition is a VersionConflictError (the cache entry is dropped, since it just proved stale);
 * throttling, 5xx and network errors that survive the SDK's own retries are StoreUnavailableError (→ 503 +
 * Retry-After). Either way nothing was written: each write is a single atomic item operation.
 *
 * State write and turn item: ordering and atomicity (dynalite has no TransactWriteItems, and the local
 * stack must behave like AWS, so no transactions are used)
 *   1. The state UpdateItem/PutItem runs first. Its version condition is the claim on turn number N
 *      (= next.turn_count): exactly one writer per version can succeed, so exactly one writer owns TURN#N.
 *   2. Then TURN#N is put with `attribute_not_exists(sk)`. It can only meet an existing item when an earlier
 *      try of this very put succeeded (an SDK retry after a lost response): we read it back, and if it holds
 *      our call_log_id the write is counted as done.
 *   Both happen before commitTurn resolves, i.e. before the reply ("commit before reply").
 *   If step 2 still fails after the SDK's retries and our own short retries, the turn IS committed (the
 *   state, which is authoritative, already includes it and the reply will be correct). We then resolve
 *   anyway, count it in `counters.turnLogFailures` and log an error with the ids, rather than throw: a 503
 *   would make the client resend the message and the conversation would see the turn twice. The cost is a
 *   gap in the audit log for that turn (alarm on the metric), never a doubled or lost conversation turn.
 *   The reverse order (turn item first) was rejected: a turn item written by a writer that then loses the
 *   state race would block or corrupt TURN#N for the winner, and cleaning it up needs a second write that can
 *   fail too.
 *
 * Legacy items: a state migrated on read (schema v0 → v1) still has the v0 shape in the table; the store
 * remembers its attribute names per (conversation, version), and the first write SETs every v1 field and
 * REMOVEs the v0-only attributes, so the item is fully v1 afterwards. An item without a `version` attribute is treated as version 0 (`if_not_exists`).
 */
import { isDeepStrictEqual } from 'node:util';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { migrateState, type ConversationState, type StoredConversation } from '../core/state.js';
import {
  StoreUnavailableError,
  VersionConflictError,
  type Clock,
  type ConversationStore,
  type TurnLogOutcome,
  type TurnRecord,
} from '../core/ports.js';
import type { WarmCache } from './warm-cache.js';
import { DEFAULT_TENANT, SK, TURN_SK_PREFIX, conversationPk, itemKindOfSk, turnSk } from './keys.js';
import { CONVERSATION_LIST_INDEX, conversationListPk, conversationListSk } from './keys.js';
import { MARK_ATTRIBUTE_NAMES, fenceExpression, guardItem, guardUpdate, readMarks, type CommitGuard } from './commit-marks.js';

export { conversationPk, turnSk } from './keys.js';

/** Attributes the store owns on the state item; never part of the dirty diff (commit marks: commit-marks.ts). */
const STORE_ATTRIBUTES = new Set(['pk', 'sk', 'version', 'expires_at', 'updated_at', ...MARK_ATTRIBUTE_NAMES, CONVERSATION_LIST_INDEX.pk, CONVERSATION_LIST_INDEX.sk]);

/** Default retention of conversations and turns after their last write (TTL). */
export const DEFAULT_RETENTION_DAYS = 30;


/** A commit whose arguments break the store's contract (a programming error, not a conflict). */
export class InvalidCommitError extends Error {
  override readonly name = 'InvalidCommitError';
  constructor(
    readonly conversationId: string,
    detail: string,
  ) {
    super(`invalid commit for conversation ${conversationId}: ${detail}`);
  }
}

/** DynamoDB request counters of one client (the benchmark's "requests and bytes per turn"). */
export interface DynamoRequestCounters {
  /** Requests sent, by operation (GetItem, UpdateItem, ...), retries by the SDK included. */
  requests: Record<string, number>;
  /** Request payload bytes (JSON body) by operation. */
  requestBytes: Record<string, number>;
  /** Request payload bytes by item kind (sort key: STATE, TURN#…, REQUEST for idempotency, other). */
  requestBytesByItem: Record<'state' | 'turn' | 'idempotency' | 'other', number>;
  /** Capacity units reported by DynamoDB (ReturnConsumedCapacity TOTAL) when the service reports them. */
  readCapacityUnits: number;
  writeCapacityUnits: number;
  /** Turns committed whose TURN item could not be written (see header). */
  turnLogFailures: number;
  /** Missing TURN items found by a later commit and written from the state's `last_turn` (commit-marks.ts). */
  turnLogRepairs: number;
}

/** Sum of the request counters. */
export function totalRequests(counters: DynamoRequestCounters): { requests: number; bytes: number } {
  let requests = 0;
  let bytes = 0;
  for (const n of Object.values(counters.requests)) requests += n;
  for (const n of Object.values(counters.requestBytes)) bytes += n;
  return { requests, bytes };
}

/** Which item a (marshalled) request addresses, from its sort key. */
function itemKind(input: unknown): 'state' | 'turn' | 'idempotency' | 'other' {
  const i = input as { Key?: { sk?: { S?: string } }; Item?: { sk?: { S?: string } } } | undefined;
  return itemKindOfSk(i?.Key?.sk?.S ?? i?.Item?.sk?.S);
}

const instrumented = new WeakMap<object, DynamoRequestCounters>();

/**
 * Count the requests and request bytes a client sends (middleware on its stack, added once per client).
 * A document client shares its stack with the client it wraps, so either may be passed.
 */
export function instrumentClient(client: DynamoDBDocumentClient): DynamoRequestCounters {
  const known = instrumented.get(client.middlewareStack);
  if (known) return known;
  const counters: DynamoRequestCounters = {
    requests: {},
    requestBytes: {},
    requestBytesByItem: { state: 0, turn: 0, idempotency: 0, other: 0 },
    readCapacityUnits: 0,
    writeCapacityUnits: 0,
    turnLogFailures: 0,
    turnLogRepairs: 0,
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
      const request = args.request as { body?: unknown };
      const body = request?.body;
      const size = typeof body === 'string' ? Buffer.byteLength(body) : body instanceof Uint8Array ? body.byteLength : 0;
      counters.requests[operation] = (counters.requests[operation] ?? 0) + 1;
      counters.requestBytes[operation] = (counters.requestBytes[operation] ?? 0) + size;
      counters.requestBytesByItem[itemKind(args.input)] += size;
      return next(args);
    },
    // finalizeRequest runs once per attempt, after signing: what goes over the wire, retries included.
    { step: 'finalizeRequest', name: 'polarisRequestCounter', priority: 'low' },
  );
  instrumented.set(client.middlewareStack, counters);
  return counters;
}

/** Names of errors that mean "DynamoDB is busy or unreachable", not "your request is wrong". */
const UNAVAILABLE_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'LimitExceededException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

function errorName(error: unknown): string {
  return (error as { name?: string } | null)?.name ?? '';
}

/** True for the failed condition of a conditional write. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return errorName(error) === 'ConditionalCheckFailedException';
}

/**
 * Map an SDK error that survived its retries: busy/unreachable → StoreUnavailableError; anything else
 * (validation, access denied) is returned unchanged, since retrying would not help.
 */
export function mapStoreError(error: unknown, operation: string): unknown {
  if (error instanceof StoreUnavailableError || error instanceof VersionConflictError) return error;
  const name = errorName(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const code = (error as { code?: string } | null)?.code;
  const network = typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN)$/.test(code);
  if (UNAVAILABLE_ERRORS.has(name) || (status !== undefined && status >= 500) || network) {
    const retryAfter = name.includes('Throughput') || name.includes('Throttl') || name.includes('Limit') ? 2 : 1;
    return new StoreUnavailableError(`DynamoDB ${operation} failed: ${name || code || status}`, retryAfter, { cause: error });
  }
  return error;
}

export interface DynamoConversationStoreOptions {
  /** Document client with `removeUndefinedValues` (created once per container). */
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Tenant whose items this store reads and writes (keys begin with `T#<tenant>#`). Default DEFAULT_TENANT. */
  tenant?: string;
  /** Warm cache (kind `state`); omit for a store that always reads the table. */
  cache?: WarmCache;
  /** Days after the last write until DynamoDB TTL may delete the conversation and its turns. */
  retentionDays: number;
  clock: Clock;
  /** Own retries of the TURN item put after the state write succeeded (on top of the SDK's). Default 3. */
  turnLogAttempts?: number;
  /** Where a committed turn whose log item failed is reported (ids only, never user text). Default console.error. */
  onTurnLogFailure?: (info: { conversation_id: string; turn: number; error: string }) => void;
  /** Sleep used between retries; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Check on each commit that the previous turn's TURN item exists when this container did not write it, and
   * write it from the state's record if not (default true; false only for the benchmark's old-protocol baseline).
   */
  checkTurnLog?: boolean;
  /**
   * Table reads are strongly consistent unless a caller passes `consistent: false` (default true). An
   * eventually consistent read just after another container committed the previous turn would come back
   * one version behind and turn a lone user's next message into a needless 409; the price is 0.5 RCU per
   * 4 KB on a cache miss only.
   */
  consistentReadsByDefault?: boolean;
}

interface CachedState {
  state: ConversationState;
  version: number;
  marks?: StoredConversation['marks'];
}


const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** DynamoDB implementation of the engine's ConversationStore (see the header for the write protocol). */
export class DynamoConversationStore implements ConversationStore {
  /** Requests/bytes sent by this store's client (shared by stores on the same client). */
  readonly counters: DynamoRequestCounters;
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  /** Tenant of every key this store touches. */
  readonly tenant: string;
  private readonly cache: WarmCache | undefined;
  private readonly retentionSeconds: number;
  private readonly clock: Clock;
  private readonly turnLogAttempts: number;
  private readonly onTurnLogFailure: (info: { conversation_id: string; turn: number; error: string }) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly consistentByDefault: boolean;
  /** (conversation@version) → attribute names of a legacy item, to REMOVE on the first write after migration. */
  private readonly legacyAttributes = new Map<string, string[]>();
  /** conversation → the last turn whose TURN item this container wrote (skips the gap check; bounded). */
  private readonly loggedHere = new Map<string, number>();
  private readonly checkTurnLog: boolean;

  constructor(options: DynamoConversationStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.tenant = options.tenant ?? DEFAULT_TENANT;
    this.cache = options.cache;
    this.retentionSeconds = Math.round(options.retentionDays * 86_400);
    this.clock = options.clock;
    this.turnLogAttempts = Math.max(1, options.turnLogAttempts ?? 3);
    this.onTurnLogFailure =
      options.onTurnLogFailure ??
      ((info) => console.error(JSON.stringify({ level: 'ERROR', message: 'turn log write failed', ...info })));
    this.sleep = options.sleep ?? defaultSleep;
    this.consistentByDefault = options.consistentReadsByDefault ?? true;
    this.checkTurnLog = options.checkTurnLog ?? true;
    this.counters = instrumentClient(this.client);
  }

  /**
   * Cache → table. Table reads are strongly consistent unless `consistent: false` is passed (or the store was
   * built with `consistentReadsByDefault: false`). Null when the conversation does not exist.
   */
  async get(conversationId: string, options: { consistent?: boolean; bypassCache?: boolean } = {}): Promise<StoredConversation | null> {
    if (this.cache && !options.bypassCache) {
      const cached = this.cache.get<CachedState>('state', this.cacheKey(conversationId));
      if (cached) return { state: cached.state, version: cached.version, source: 'cache', ...(cached.marks ? { marks: cached.marks } : {}) };
    }
    let item: Record<string, unknown> | undefined;
    try {
      const out = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: conversationPk(this.tenant, conversationId), sk: SK.state },
          ConsistentRead: options.consistent ?? this.consistentByDefault,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.readCapacityUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
      item = out.Item;
    } catch (error) {
      throw mapStoreError(error, 'GetItem');
    }
    if (!item) {
      this.cache?.delete('state', this.cacheKey(conversationId));
      return null;
    }
    return this.fromItem(conversationId, item);
  }

  /** A state item as read from the table: migrated, cached, with its commit marks. */
  private fromItem(conversationId: string, item: Record<string, unknown>): StoredConversation {
    const version = typeof item['version'] === 'number' ? item['version'] : 0;
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item)) if (!STORE_ATTRIBUTES.has(key) || key === 'updated_at') raw[key] = value;
    const state = migrateState(raw);
    if (item['schema_version'] !== state.schema_version) {
      this.rememberLegacy(conversationId, version, Object.keys(raw));
    }
    const marks = readMarks(item);
    // The cache keeps its own frozen copy; `state` is migrateState's fresh object, the caller's alone.
    this.cache?.set<CachedState>('state', this.cacheKey(conversationId), { state, version, marks });
    return { state, version, source: 'table', marks };
  }

  /**
   * Create or incrementally update the state on the version read (and, with a lease, on its fence), then
   * append TURN#<turn>. The previous turn's TURN item is checked (unless this container wrote it) and
   * repaired from the state's `last_turn` alongside the state write (commit-marks.ts).
   */
  async commitTurn(args: {
    previous: StoredConversation | null;
    next: ConversationState;
    turn: TurnRecord;
    fence?: number;
  }): Promise<{ version: number; turnLog: TurnLogOutcome }> {
    const { previous, next, turn } = args;
    const id = next.conversation_id;
    if (turn.turn !== next.turn_count) {
      throw new InvalidCommitError(id, `turn record ${turn.turn} does not match next.turn_count ${next.turn_count}`);
    }
    if (previous && next.turn_count <= previous.state.turn_count) {
      throw new InvalidCommitError(id, `turn_count must grow (read ${previous.state.turn_count}, next ${next.turn_count})`);
    }
    const now = this.clock.now();
    const guard: CommitGuard = { turn, ...(args.fence !== undefined ? { fence: args.fence } : {}) };
    const [written, repairedTurn] = await Promise.all([this.writeState(previous, next, now, guard), this.repairPreviousTurn(previous, now)]);
    const logged = await this.appendTurn(turn, now);
    return { version: written.version, turnLog: { logged, ...(repairedTurn !== null ? { repairedTurn } : {}) } };
  }

  /**
   * Takeover fencing (turn-queue.ts): raise the state's q_fence to `fence` so a holder whose lease ran out can
   * never commit, and return the state as it is now. Null when the conversation does not exist yet.
   * Throws VersionConflictError when a later fence already claimed the state (this lease is superseded).
   */
  async fence(conversationId: string, fence: number): Promise<StoredConversation | null> {
    const e = fenceExpression(fence);
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: conversationPk(this.tenant, conversationId), sk: SK.state },
          UpdateExpression: e.update,
          ConditionExpression: e.condition,
          ExpressionAttributeNames: e.names,
          ExpressionAttributeValues: e.values,
          ReturnValues: 'ALL_NEW',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.writeCapacityUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
      return this.fromItem(conversationId, out.Attributes ?? {});
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        this.cache?.delete('state', this.cacheKey(conversationId));
        throw mapStoreError(error, 'UpdateItem');
      }
    }
    const current = await this.get(conversationId, { consistent: true, bypassCache: true });
    if (current === null) return null;
    if ((current.marks?.fence ?? 0) > fence) throw new VersionConflictError(conversationId, current.version);
    return current;
  }

  /**
   * Sweep one conversation: write its last committed turn's TURN item from the state's record when it is
   * missing. Returns the repaired turn number, or null when nothing was missing (or nothing to repair from).
   */
  async repairTurnLog(conversationId: string): Promise<number | null> {
    const current = await this.get(conversationId, { consistent: true, bypassCache: true });
    return this.repairPreviousTurn(current, this.clock.now(), true);
  }

  /** The gap check of commitTurn: TURN#N of the state read (N = its turn_count) exists, or is written now. */
  private async repairPreviousTurn(previous: StoredConversation | null, now: number, force = false): Promise<number | null> {
    const record = previous?.marks?.lastTurn as TurnRecord | undefined;
    if (!previous || !record || record.turn !== previous.state.turn_count || (!force && !this.checkTurnLog)) return null;
    const id = previous.state.conversation_id;
    if (!force && this.loggedHere.get(this.cacheKey(id)) === record.turn) return null;
    const key = { pk: conversationPk(this.tenant, id), sk: turnSk(record.turn) };
    try {
      const got = await this.client.send(
        // Eventually consistent (half the read units): an item written a moment ago that this read misses only
        // makes the conditional put below fail, harmlessly.
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: force, ProjectionExpression: 'sk', ReturnConsumedCapacity: 'TOTAL' }),
      );
      this.counters.readCapacityUnits += got.ConsumedCapacity?.CapacityUnits ?? 0;
      if (got.Item) {
        this.rememberLogged(id, record.turn);
        return null;
      }
      const out = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...record, ...key, expires_at: this.expiresAt(now) },
          ConditionExpression: 'attribute_not_exists(sk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.counters.writeCapacityUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
      this.counters.turnLogRepairs++;
      this.rememberLogged(id, record.turn);
      return record.turn;
    } catch (error) {
      // Written meanwhile by its own late put: nothing to repair. Anything else: the next commit tries again.
      if (isConditionalCheckFailed(error)) this.rememberLogged(id, record.turn);
      return null;
    }
  }

  private rememberLogged(conversationId: string, turn: number): void {
    if (this.loggedHere.size >= 10_000) this.loggedHere.clear();
    this.loggedHere.set(this.cacheKey(conversationId), turn);
  }

  /** Read (consistent, no cache) → mutate → conditional write; conflicts retried with jittered backoff. */
  async update(
    conversationId: string,
    mutate: (state: ConversationState) => ConversationState | null,
    options: { maxAttempts?: number } = {},
  ): Promise<StoredConversation | null> {
    const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(conversationId, { consistent: true, bypassCache: true });
      if (!current) return null;
      const next = mutate(structuredClone(current.state));
      if (next === null) return current;
      const dirty = this.dirtyFields(current.state, next, conversationId, current.version);
      // Nothing changed: no write, no version bump (a no-op must not make concurrent turns conflict).
      if (dirty.set.length + dirty.remove.length === 0) return current;
      try {
        const written = await this.writeState(current, next, this.clock.now());
        return { state: structuredClone(written.state), version: written.version, source: 'table' };
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= maxAttempts) throw error;
        // Small jittered backoff so racing writers (history agent, checkpoint generator) spread out.
        await this.sleep(Math.round(Math.random() * 20 * 2 ** (attempt - 1)) + 5);
      }
    }
  }

  /** Most recent turns first (at most `limit`, default 20). */
  async listTurns(conversationId: string, limit = 20): Promise<TurnRecord[]> {
    try {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :turn)',
          ExpressionAttributeValues: { ':pk': conversationPk(this.tenant, conversationId), ':turn': TURN_SK_PREFIX },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map((item) => {
        const { pk: _pk, sk: _sk, expires_at: _ttl, ...record } = item;
        return record as TurnRecord;
      });
    } catch (error) {
      throw mapStoreError(error, 'Query');
    }
  }

  /** One turn's record, strongly consistent; null when TURN#<turn> does not exist. */
  async getTurn(conversationId: string, turn: number): Promise<TurnRecord | null> {
    try {
      const out = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: conversationPk(this.tenant, conversationId), sk: turnSk(turn) }, ConsistentRead: true }),
      );
      if (!out.Item) return null;
      const { pk: _pk, sk: _sk, expires_at: _ttl, ...record } = out.Item;
      return record as TurnRecord;
    } catch (error) {
      throw mapStoreError(error, 'GetItem');
    }
  }

  /** Drop a conversation's cached state (the engine calls it before a stale-cache re-run). */
  invalidate(conversationId: string): void {
    this.cache?.delete('state', this.cacheKey(conversationId));
  }

  /** The fields a write would SET and REMOVE (exposed for tests and the benchmark). */
  dirtyFields(
    previous: ConversationState,
    next: ConversationState,
    conversationId = next.conversation_id,
    version?: number,
  ): { set: string[]; remove: string[] } {
    const legacy = version === undefined ? undefined : this.legacyAttributes.get(`${this.cacheKey(conversationId)}@${version}`);
    // A migrated read: the table still holds the old shape, so the diff base is empty (write every field).
    const before = legacy ? {} : (previous as unknown as Record<string, unknown>);
    const after = next as unknown as Record<string, unknown>;
    const set: string[] = [];
    const remove: string[] = [];
    for (const key of Object.keys(after)) {
      if (STORE_ATTRIBUTES.has(key)) continue;
      const value = after[key];
      if (value === undefined) continue;
      if (!isDeepStrictEqual(before[key], value)) set.push(key);
    }
    for (const key of Object.keys(before)) {
      if (STORE_ATTRIBUTES.has(key)) continue;
      if (before[key] !== undefined && after[key] === undefined) remove.push(key);
    }
    if (legacy) {
      for (const key of legacy) {
        if (!STORE_ATTRIBUTES.has(key) && after[key] === undefined && !remove.includes(key)) remove.push(key);
      }
    }
    return { set, remove };
  }

  /** Warm-cache key: tenant-qualified, so two tenants' equal conversation ids never share an entry. */
  private cacheKey(conversationId: string): string {
    return conversationPk(this.tenant, conversationId);
  }

  private rememberLegacy(conversationId: string, version: number, names: string[]): void {
    // Bounded: legacy reads are rare, and a forgotten entry only leaves unused attributes behind.
    if (this.legacyAttributes.size >= 1000) this.legacyAttributes.clear();
    this.legacyAttributes.set(`${this.cacheKey(conversationId)}@${version}`, names);
  }

  private expiresAt(now: number): number {
    return Math.floor(now / 1000) + this.retentionSeconds;
  }

  /** The state write of the header's protocol. Returns what was written and refreshes the cache. */
  private async writeState(
    previous: StoredConversation | null,
    next: ConversationState,
    now: number,
    guard?: CommitGuard,
  ): Promise<{ version: number; state: ConversationState }> {
    const id = next.conversation_id;
    const updatedAt = new Date(now).toISOString();
    const written: ConversationState = { ...next, updated_at: updatedAt };
    let version: number;
    try {
      if (!previous) {
        version = 1;
        const item: Record<string, unknown> = { ...written };
        for (const key of Object.keys(item)) if (STORE_ATTRIBUTES.has(key) && key !== 'updated_at') delete item[key];
        const out = await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...item,
              ...(guard ? guardItem(guard) : {}),
              pk: conversationPk(this.tenant, id),
              sk: SK.state,
              version,
              expires_at: this.expiresAt(now),
              // The operator list index (keys.ts), written with the state: no extra request.
              [CONVERSATION_LIST_INDEX.pk]: conversationListPk(this.tenant),
              [CONVERSATION_LIST_INDEX.sk]: conversationListSk(updatedAt, id),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        this.counters.writeCapacityUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
      } else {
        if (previous.state.conversation_id !== id) {
          throw new InvalidCommitError(id, `previous state belongs to ${previous.state.conversation_id}`);
        }
        version = previous.version + 1;
        const { set, remove } = this.dirtyFields(previous.state, next, id, previous.version);
        const names: Record<string, string> = { '#version': 'version', '#updated_at': 'updated_at', '#expires_at': 'expires_at' };
        const values: Record<string, unknown> = {
          ':read': previous.version,
          ':one': 1,
          ':updated_at': updatedAt,
          ':expires_at': this.expiresAt(now),
        };
        const setParts = ['#version = if_not_exists(#version, :zero) + :one', '#updated_at = :updated_at', '#expires_at = :expires_at'];
        values[':zero'] = 0;
        // The operator list index (keys.ts) moves with updated_at in the same UpdateItem.
        names['#list_pk'] = CONVERSATION_LIST_INDEX.pk;
        names['#list_sk'] = CONVERSATION_LIST_INDEX.sk;
        values[':list_pk'] = conversationListPk(this.tenant);
        values[':list_sk'] = conversationListSk(updatedAt, id);
        setParts.push('#list_pk = :list_pk', '#list_sk = :list_sk');
        set.forEach((field, i) => {
          names[`#s${i}`] = field;
          values[`:s${i}`] = (next as unknown as Record<string, unknown>)[field];
          setParts.push(`#s${i} = :s${i}`);
        });
        const removeParts = remove.map((field, i) => {
          names[`#r${i}`] = field;
          return `#r${i}`;
        });
        // Version 0 = a legacy item stored without a version attribute.
        let condition =
          previous.version === 0 ? 'attribute_exists(pk) AND (attribute_not_exists(#version) OR #version = :read)' : '#version = :read';
        if (guard) {
          const g = guardUpdate(guard);
          Object.assign(names, g.names);
          Object.assign(values, g.values);
          setParts.push(...g.set);
          if (g.condition) condition = `${condition} AND ${g.condition}`;
        }
        const out = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: conversationPk(this.tenant, id), sk: SK.state },
            UpdateExpression: `SET ${setParts.join(', ')}${removeParts.length ? ` REMOVE ${removeParts.join(', ')}` : ''}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        this.counters.writeCapacityUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
        this.legacyAttributes.delete(`${this.cacheKey(id)}@${previous.version}`);
      }
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        // The condition just proved whatever this container believed stale: never trust it again.
        this.cache?.delete('state', this.cacheKey(id));
        throw new VersionConflictError(id, previous ? previous.version : null);
      }
      if (error instanceof InvalidCommitError) throw error;
      // An unknown outcome (the write may or may not have happened): drop the cache, the table decides.
      this.cache?.delete('state', this.cacheKey(id));
      throw mapStoreError(error, previous ? 'UpdateItem' : 'PutItem');
    }
    const marks = guard
      ? { served: guard.fence ?? previous?.marks?.served ?? 0, fence: guard.fence ?? previous?.marks?.fence ?? 0, lastTurn: guard.turn }
      : previous?.marks;
    this.cache?.set<CachedState>('state', this.cacheKey(id), { state: written, version, ...(marks ? { marks } : {}) });
    return { version, state: written };
  }

  /** Step 2 of the protocol: TURN#N, idempotent on our own earlier try, never throwing once state is in. */
  private async appendTurn(turn: TurnRecord, now: number): Promise<boolean> {
    const key = { pk: conversationPk(this.tenant, turn.conversation_id), sk: turnSk(turn.turn) };
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.turnLogAttempts; attempt++) {
      try {
        const out = await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...turn, ...key, expires_at: this.expiresAt(now) },
            ConditionExpression: 'attribute_not_exists(sk)',
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        this.counters.writeCapacityUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
        this.rememberLogged(turn.conversation_id, turn.turn);
        return true;
      } catch (error) {
        lastError = error;
        if (isConditionalCheckFailed(error)) {
          const existing = await this.client
            .send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))
            .catch(() => undefined);
          if (existing?.Item?.['call_log_id'] === turn.call_log_id) {
            this.rememberLogged(turn.conversation_id, turn.turn);
            return true;
          }
          break; // Someone else's TURN#N: cannot happen under the version claim; report, do not overwrite.
        }
        if (attempt < this.turnLogAttempts) await this.sleep(25 * attempt);
      }
    }
    this.counters.turnLogFailures++;
    this.onTurnLogFailure({ conversation_id: turn.conversation_id, turn: turn.turn, error: errorName(lastError) || 'unknown' });
    return false;
  }
}
