/**
 * Idempotency of POST /orchestrate (optional `Idempotency-Key` header), in the single table:
 *   pk=T#<tenant>#IDEMPOTENCY#<scope>#<key>  sk=REQUEST (keys.ts)  { status: IN_PROGRESS|COMPLETED, payload_hash, in_progress_until (epoch ms),
 *                                       response?: StoredHttpResponse, created_at, expires_at (TTL, epoch s) }
 *
 * begin()   conditional PutItem of an IN_PROGRESS record. The condition also lets a request take over a record
 *           whose in-progress lease ran out (a crashed or timed-out Lambda must not block the key forever) or
 *           whose retention passed (DynamoDB TTL deletes lazily, dynalite never).
 *           If the condition fails, the record is READ (consistent): dynalite does not return the item with
 *           ReturnValuesOnConditionCheckFailure, and reading works the same on AWS. Then:
 *             other payload hash            → mismatch   (422: same key, different body)
 *             COMPLETED, same hash          → replay     (stored response; no agents run, no state change)
 *             IN_PROGRESS, same hash        → in_flight  (409 + Retry-After)
 * complete() stores the response (COMPLETED, retention TTL).   abandon() deletes an IN_PROGRESS record, so a
 *           request that failed (4xx/5xx before commit) can be retried with the same key.
 *
 * Exactly-once across crashes (issue #12): `begin` gives the request an `owner` token. Just before the turn's
 * commit, prepare() stores the answer with the turn number it is about to commit (status PREPARED, only while
 * this owner still holds the record: a takeover makes a late original give up before it can commit). The
 * commit records the key in the turn record (state item `last_turn` and TURN#N). So after a crash between the
 * commit and complete(), a resend finds PREPARED: if turn N holds the key it replays the stored answer; if not
 * and the record's time ran out, restart() takes the record over and the turn runs — under the conversation's
 * lease, where it checks once more that N was not committed meanwhile (turn-lease.ts). A PREPARED record is
 * never taken over by begin() blindly, and abandon() of a PREPARED record only lets its time run out (the
 * commit's outcome may be unknown), never deletes it.
 *
 * Why not Powertools Idempotency: its DynamoDB layer keys records by its own `id` attribute (or a static
 * partition key with the idempotency id as sort key), which does not fit the agreed `IDEMPOTENCY#<key>` layout;
 * it relies on ReturnValuesOnConditionCheckFailure to see the existing record (empty on dynalite, which the
 * local stack and tests use); and it wraps the whole handler, while the handler needs three distinct outcomes
 * (replay / 409 / 422) before it loads any state. This is ~150 lines with the same semantics.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../core/ports.js';
import { isConditionalCheckFailed, mapStoreError } from './dynamo-store.js';
import { DEFAULT_TENANT, SK, idempotencyPk } from './keys.js';

/** What the handler answered, stored for replays. */
export interface StoredHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Outcome of `begin`. */
export type IdempotencyBegin =
  | { kind: 'new'; owner?: string }
  | {
      kind: 'prepared';
      /** The answer stored just before the commit of `turn`. */
      response: StoredHttpResponse;
      conversationId: string;
      turn: number;
      /** The attempt's time ran out (crashed or failed): restart() may take the record over. */
      expired: boolean;
      owner: string;
    }
  | { kind: 'replay'; response: StoredHttpResponse }
  | { kind: 'in_flight' }
  | { kind: 'mismatch' };

/** The handler's idempotency port (agreed in COMMON.md). */
export interface IdempotencyStore {
  begin(key: string, payloadHash: string): Promise<IdempotencyBegin>;
  complete(key: string, response: StoredHttpResponse): Promise<void>;
  /** Give the key back after a failure: IN_PROGRESS is deleted; a PREPARED record of this owner only expires. */
  abandon(key: string, owner?: string): Promise<void>;
  /** Store the answer of `turn` before its commit; false when this owner no longer holds the record. */
  prepare?(key: string, owner: string, prepared: { response: StoredHttpResponse; conversationId: string; turn: number }): Promise<boolean>;
  /** Take over an expired PREPARED record whose turn was not committed; the new owner, or null if someone else did. */
  restart?(key: string, payloadHash: string, previousOwner: string): Promise<string | null>;
}

/** Longest accepted key (DynamoDB keys allow far more; this keeps items and logs small). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** An Idempotency-Key header the service will not accept (→ 400 naming the header). */
export class InvalidIdempotencyKeyError extends Error {
  override readonly name = 'InvalidIdempotencyKeyError';
  readonly field = 'Idempotency-Key';
  constructor(readonly reason: string) {
    super(`Idempotency-Key ${reason}`);
  }
}

/** Throws InvalidIdempotencyKeyError unless the key is 1..255 visible ASCII characters. */
export function assertValidIdempotencyKey(key: string): void {
  if (key.length === 0) throw new InvalidIdempotencyKeyError('must not be empty');
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new InvalidIdempotencyKeyError(`must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  if (!/^[\x21-\x7e]+$/.test(key)) throw new InvalidIdempotencyKeyError('must be visible ASCII characters without spaces');
}

/**
 * Hash of a request body for mismatch detection: sha256 of the JSON with object keys sorted, so the same
 * request re-serialised by a client library in another key order is still "the same body".
 */
export function hashPayload(payload: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value as Record<string, unknown>)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  const text = typeof payload === 'string' ? payload : JSON.stringify(canonical(payload));
  return createHash('sha256').update(text).digest('hex');
}

export interface DynamoIdempotencyStoreOptions {
  /** Tenant of the keys (default DEFAULT_TENANT). */
  tenant?: string;
  /** Caller scope within the tenant (default `default`). */
  scope?: string;
  client: DynamoDBDocumentClient;
  tableName: string;
  clock: Clock;
  /** How long an IN_PROGRESS record blocks its key (longer than the Lambda timeout). Default 60 s. */
  inProgressSeconds?: number;
  /** How long a completed response is replayed (TTL). Default 24 h. */
  retentionSeconds?: number;
}

interface IdempotencyItem {
  status: 'IN_PROGRESS' | 'PREPARED' | 'COMPLETED';
  payload_hash: string;
  in_progress_until?: number;
  response?: StoredHttpResponse;
  expires_at: number;
  owner?: string;
  conversation_id?: string;
  turn?: number;
}

/** DynamoDB implementation of IdempotencyStore (see the header). */
export class DynamoIdempotencyStore implements IdempotencyStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  /** Tenant and caller scope of every key (keys.ts): one caller cannot see or block another's keys. */
  private readonly tenant: string;
  private readonly scope: string;
  private readonly clock: Clock;
  private readonly inProgressMs: number;
  private readonly retentionSeconds: number;

  constructor(options: DynamoIdempotencyStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.tenant = options.tenant ?? DEFAULT_TENANT;
    this.scope = options.scope ?? 'default';
    this.clock = options.clock;
    this.inProgressMs = (options.inProgressSeconds ?? 60) * 1000;
    this.retentionSeconds = options.retentionSeconds ?? 86_400;
  }

  private key(key: string): { pk: string; sk: string } {
    return { pk: idempotencyPk(this.tenant, this.scope, key), sk: SK.request };
  }

  /** Claim the key for this request, or say why not (replay / in_flight / mismatch). */
  async begin(key: string, payloadHash: string): Promise<IdempotencyBegin> {
    assertValidIdempotencyKey(key);
    // Retried: the record may vanish (abandoned) between our failed put and our read.
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.clock.now();
      const owner = randomUUID();
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...this.key(key),
              status: 'IN_PROGRESS',
              owner,
              payload_hash: payloadHash,
              in_progress_until: now + this.inProgressMs,
              created_at: new Date(now).toISOString(),
              expires_at: Math.floor(now / 1000) + this.retentionSeconds,
            },
            ConditionExpression:
              'attribute_not_exists(pk) OR (#status = :in_progress AND in_progress_until < :now) OR expires_at < :now_s',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':in_progress': 'IN_PROGRESS', ':now': now, ':now_s': Math.floor(now / 1000) },
          }),
        );
        return { kind: 'new', owner };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw mapStoreError(error, 'PutItem');
      }
      let existing: IdempotencyItem | undefined;
      try {
        const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: this.key(key), ConsistentRead: true }));
        existing = out.Item as IdempotencyItem | undefined;
      } catch (error) {
        throw mapStoreError(error, 'GetItem');
      }
      if (!existing) continue;
      if (existing.payload_hash !== payloadHash) return { kind: 'mismatch' };
      if (existing.status === 'COMPLETED' && existing.response) return { kind: 'replay', response: existing.response };
      if (existing.status === 'PREPARED' && existing.response && existing.conversation_id && typeof existing.turn === 'number') {
        return {
          kind: 'prepared',
          response: existing.response,
          conversationId: existing.conversation_id,
          turn: existing.turn,
          expired: (existing.in_progress_until ?? 0) < now,
          owner: existing.owner ?? '',
        };
      }
      return { kind: 'in_flight' };
    }
    return { kind: 'in_flight' };
  }

  /** Store the answer for replays. A record that is gone (abandoned, taken over) is left alone. */
  async complete(key: string, response: StoredHttpResponse): Promise<void> {
    const now = this.clock.now();
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(key),
          UpdateExpression: 'SET #status = :completed, #response = :response, expires_at = :expires REMOVE in_progress_until',
          ConditionExpression: '#status = :in_progress OR #status = :prepared',
          ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
          ExpressionAttributeValues: {
            ':completed': 'COMPLETED',
            ':in_progress': 'IN_PROGRESS',
            ':prepared': 'PREPARED',
            ':response': response,
            ':expires': Math.floor(now / 1000) + this.retentionSeconds,
          },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return;
      throw mapStoreError(error, 'UpdateItem');
    }
  }

  /** Store the answer of `turn` before its commit (see the header). False: this owner lost the record. */
  async prepare(key: string, owner: string, prepared: { response: StoredHttpResponse; conversationId: string; turn: number }): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(key),
          UpdateExpression: 'SET #status = :prepared, #response = :response, conversation_id = :conversation, turn = :turn',
          ConditionExpression: '#status = :in_progress AND #owner = :owner',
          ExpressionAttributeNames: { '#status': 'status', '#response': 'response', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':prepared': 'PREPARED',
            ':in_progress': 'IN_PROGRESS',
            ':response': prepared.response,
            ':conversation': prepared.conversationId,
            ':turn': prepared.turn,
            ':owner': owner,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw mapStoreError(error, 'UpdateItem');
    }
  }

  /** Take over an expired PREPARED record (its turn found not committed): the new owner, or null. */
  async restart(key: string, payloadHash: string, previousOwner: string): Promise<string | null> {
    const now = this.clock.now();
    const owner = randomUUID();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(key),
            status: 'IN_PROGRESS',
            owner,
            payload_hash: payloadHash,
            in_progress_until: now + this.inProgressMs,
            created_at: new Date(now).toISOString(),
            expires_at: Math.floor(now / 1000) + this.retentionSeconds,
          },
          ConditionExpression: '#status = :prepared AND #owner = :previous AND in_progress_until < :now',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: { ':prepared': 'PREPARED', ':previous': previousOwner, ':now': now },
        }),
      );
      return owner;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return null;
      throw mapStoreError(error, 'PutItem');
    }
  }

  /** Release the key after a failed request so the client may retry with it. Completed records stay. */
  async abandon(key: string, owner?: string): Promise<void> {
    if (owner !== undefined) {
      // A PREPARED record of ours: the commit may or may not have happened, so keep the answer and only end
      // its time, so a resend checks the commit at once (begin → prepared, expired).
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key(key),
            UpdateExpression: 'SET in_progress_until = :zero',
            ConditionExpression: '#status = :prepared AND #owner = :owner',
            ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
            ExpressionAttributeValues: { ':zero': 0, ':prepared': 'PREPARED', ':owner': owner },
          }),
        );
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw mapStoreError(error, 'UpdateItem');
      }
    }
    try {
      // Only our own attempt: after a takeover the record is someone else's.
      const mine = owner !== undefined ? ' AND (attribute_not_exists(#owner) OR #owner = :owner)' : '';
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: this.key(key),
          ConditionExpression: `#status = :in_progress${mine}`,
          ExpressionAttributeNames: { '#status': 'status', ...(owner !== undefined ? { '#owner': 'owner' } : {}) },
          ExpressionAttributeValues: { ':in_progress': 'IN_PROGRESS', ...(owner !== undefined ? { ':owner': owner } : {}) },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return;
      throw mapStoreError(error, 'DeleteItem');
    }
  }
}
