import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, type DynaliteHandle } from '../../support/dynalite.js';
import {
  DynamoIdempotencyStore,
  InvalidIdempotencyKeyError,
  hashPayload,
  type StoredHttpResponse,
} from '../../../functions/adapters/idempotency.js';
import { ManualClock } from './helpers.js';

let db: DynaliteHandle;
const clock = new ManualClock();
let store: DynamoIdempotencyStore;
const response: StoredHttpResponse = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"response":"hi"}' };

beforeAll(async () => {
  db = await startDynalite();
  store = new DynamoIdempotencyStore({ client: db.client, tableName: db.tableName, clock, inProgressSeconds: 30, retentionSeconds: 3600 });
});
afterAll(async () => {
  await db.stop();
});

describe('DynamoIdempotencyStore', () => {
  const h1 = hashPayload({ conversation_id: 'c', text: 'a' });
  const h2 = hashPayload({ conversation_id: 'c', text: 'b' });

  it('hashes bodies independently of key order', () => {
    expect(hashPayload({ a: 1, b: { c: 2, d: 3 } })).toBe(hashPayload({ b: { d: 3, c: 2 }, a: 1 }));
    expect(h1).not.toBe(h2);
  });

  it('replays a completed request with the same body, and stores it under IDEMPOTENCY#<key>', async () => {
    expect(await store.begin('key-replay', h1)).toMatchObject({ kind: 'new' });
    await store.complete('key-replay', response);
    expect(await store.begin('key-replay', h1)).toEqual({ kind: 'replay', response });
    const item = await db.client.send(new GetCommand({ TableName: db.tableName, Key: { pk: 'T#local#IDEMPOTENCY#default#key-replay', sk: 'REQUEST' } }));
    expect(item.Item).toMatchObject({ status: 'COMPLETED', payload_hash: h1, expires_at: Math.floor(clock.now() / 1000) + 3600 });
  });

  it('reports a mismatch when the same key comes with another body (completed or in flight)', async () => {
    expect(await store.begin('key-mismatch', h1)).toMatchObject({ kind: 'new' });
    expect(await store.begin('key-mismatch', h2)).toEqual({ kind: 'mismatch' });
    await store.complete('key-mismatch', response);
    expect(await store.begin('key-mismatch', h2)).toEqual({ kind: 'mismatch' });
  });

  it('reports in_flight for a duplicate while the first is running, until its lease runs out', async () => {
    expect(await store.begin('key-flight', h1)).toMatchObject({ kind: 'new' });
    expect(await store.begin('key-flight', h1)).toEqual({ kind: 'in_flight' });
    clock.ms += 31_000; // the first request crashed: its lease expired
    expect(await store.begin('key-flight', h1)).toMatchObject({ kind: 'new' });
    expect(await store.begin('key-flight', h1)).toEqual({ kind: 'in_flight' });
  });

  it('lets exactly one of many simultaneous duplicates run', async () => {
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.begin('key-burst', h1)));
    expect(outcomes.filter((o) => o.kind === 'new')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'in_flight')).toHaveLength(9);
  });

  it('abandon frees the key for a retry, but never deletes a completed response', async () => {
    expect(await store.begin('key-abandon', h1)).toMatchObject({ kind: 'new' });
    await store.abandon('key-abandon');
    expect(await store.begin('key-abandon', h2)).toMatchObject({ kind: 'new' });
    await store.complete('key-abandon', response);
    await store.abandon('key-abandon');
    expect(await store.begin('key-abandon', h2)).toEqual({ kind: 'replay', response });
  });

  it('a completed record past its retention is treated as new (DynamoDB TTL deletes lazily)', async () => {
    expect(await store.begin('key-old', h1)).toMatchObject({ kind: 'new' });
    await store.complete('key-old', response);
    clock.ms += 3_601_000;
    expect(await store.begin('key-old', h2)).toMatchObject({ kind: 'new' });
  });

  it('rejects unusable keys by name', async () => {
    await expect(store.begin('', h1)).rejects.toBeInstanceOf(InvalidIdempotencyKeyError);
    await expect(store.begin('has space', h1)).rejects.toThrow(/Idempotency-Key/);
    await expect(store.begin('x'.repeat(256), h1)).rejects.toThrow(/255/);
  });
});
