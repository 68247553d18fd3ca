/**
 * The store's less travelled paths: the TURN item failing after the state committed (the turn stays
 * accepted, the gap is reported), a TURN item already written by our own earlier try, a legacy (schema v0,
 * unversioned) item migrated on read and cleaned on the first write, and the container factory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, DOCUMENT_CLIENT_TRANSLATE, type DynaliteHandle } from '../../support/dynalite.js';
import { DynamoConversationStore, conversationPk, turnSk } from '../../../functions/adapters/dynamo-store.js';
import { DEFAULT_TENANT } from '../../../functions/adapters/keys.js';
import { WarmCache } from '../../../functions/adapters/warm-cache.js';
import { applyTurn, makeState, ManualClock, turnRecord } from './helpers.js';

let db: DynaliteHandle;
const clock = new ManualClock();
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

async function raw(id: string, sk = 'STATE') {
  return (await db.client.send(new GetCommand({ TableName: db.tableName, Key: { pk: conversationPk(DEFAULT_TENANT, id), sk }, ConsistentRead: true }))).Item;
}

describe('turn log after the state write', () => {
  it('a TURN put that keeps failing leaves the turn accepted, reported, and never retried as a new turn', async () => {
    // No SDK retries here (they would only add their backoff); the store's own retries still run.
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: db.endpoint, maxAttempts: 1, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }),
      DOCUMENT_CLIENT_TRANSLATE,
    );
    let failTurnPuts = false;
    client.middlewareStack.add(
      (next) => async (args) => {
        const sk = (args.input as { Item?: { sk?: { S?: string } } }).Item?.sk?.S;
        if (failTurnPuts && sk?.startsWith('TURN#')) {
          throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException', $metadata: {} });
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'failTurnPuts' },
    );
    const reports: Array<{ conversation_id: string; turn: number; error: string }> = [];
    const store = new DynamoConversationStore({
      client,
      tableName: db.tableName,
      cache: new WarmCache(),
      retentionDays: 30,
      clock,
      sleep: async () => {},
      onTurnLogFailure: (info) => reports.push(info),
    });
    const s1 = applyTurn(makeState('gap-1'));
    await store.commitTurn({ previous: null, next: s1, turn: turnRecord(s1) });
    failTurnPuts = true;
    const read = (await store.get('gap-1'))!;
    const s2 = applyTurn(read.state);
    await expect(store.commitTurn({ previous: read, next: s2, turn: turnRecord(s2) })).resolves.toMatchObject({ version: 2 });
    expect(store.counters.turnLogFailures).toBe(1);
    expect(reports).toEqual([{ conversation_id: 'gap-1', turn: 2, error: 'ProvisionedThroughputExceededException' }]);
    expect(await raw('gap-1')).toMatchObject({ turn_count: 2, version: 2 });
    expect(await raw('gap-1', turnSk(2))).toBeUndefined();
  });

  it('a TURN item already holding our call_log_id (an SDK retry of a put that went through) counts as written', async () => {
    const reports: Array<{ turn: number; error: string }> = [];
    const store = new DynamoConversationStore({
      client: db.client,
      tableName: db.tableName,
      retentionDays: 30,
      clock,
      sleep: async () => {},
      onTurnLogFailure: (info) => reports.push(info),
    });
    const s1 = applyTurn(makeState('retry-1'));
    await store.commitTurn({ previous: null, next: s1, turn: turnRecord(s1) });
    const read = (await store.get('retry-1', { consistent: true }))!;
    const s2 = applyTurn(read.state);
    await db.client.send(
      new PutCommand({ TableName: db.tableName, Item: { ...turnRecord(s2, 'mine'), pk: conversationPk(DEFAULT_TENANT, 'retry-1'), sk: turnSk(2) } }),
    );
    const failures = store.counters.turnLogFailures;
    await store.commitTurn({ previous: read, next: s2, turn: turnRecord(s2, 'mine') });
    expect(store.counters.turnLogFailures).toBe(failures);

    // Someone else's TURN#3 is never overwritten; the gap is reported instead.
    const read3 = (await store.get('retry-1', { consistent: true }))!;
    const s3 = applyTurn(read3.state);
    await db.client.send(
      new PutCommand({ TableName: db.tableName, Item: { ...turnRecord(s3, 'theirs'), pk: conversationPk(DEFAULT_TENANT, 'retry-1'), sk: turnSk(3) } }),
    );
    await store.commitTurn({ previous: read3, next: s3, turn: turnRecord(s3, 'mine') });
    expect(store.counters.turnLogFailures).toBe(failures + 1);
    expect(reports).toMatchObject([{ turn: 3, error: 'ConditionalCheckFailedException' }]);
    expect(await raw('retry-1', turnSk(3))).toMatchObject({ call_log_id: 'theirs' });
  });
});

describe('legacy items', () => {
  it('reads an unversioned schema-v0 item as the current schema and drops the v0 attributes on the first write', async () => {
    await db.client.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          pk: conversationPk(DEFAULT_TENANT, 'legacy-1'),
          sk: 'STATE',
          conversation_id: 'legacy-1',
          individual_id: 'ind-1',
          plan: 'weight_loss',
          tasks: [{ task_id: 'main', name: 'Main', checkpoints: [{ id: 'goal', description: 'Set a goal', completed: false }] }],
          turn_count: 3,
          paused: false,
          summary: 'old summary',
          history: [{ user: 'hi', assistant: 'hello' }],
          created_at: '2025-01-01T00:00:00.000Z',
          updated_at: '2025-01-02T00:00:00.000Z',
        },
      }),
    );
    const store = new DynamoConversationStore({ client: db.client, tableName: db.tableName, cache: new WarmCache(), retentionDays: 30, clock });
    const read = (await store.get('legacy-1'))!;
    expect(read).toMatchObject({ version: 0, source: 'table' });
    expect(read.state.schema_version).toBe(2);
    expect(read.state.task_stack[0]!.checkpoints[0]!.checkpoint_id).toBe('goal');
    expect(read.state.task_stack[0]!.checkpoints[0]!.slot).toEqual({ type: 'free_text' });

    const next = applyTurn(read.state);
    await expect(store.commitTurn({ previous: read, next, turn: turnRecord(next) })).resolves.toMatchObject({ version: 1 });
    const item = (await raw('legacy-1'))!;
    expect(item).toMatchObject({ version: 1, schema_version: 2, turn_count: 4, language: 'en', noted: {}, stopped: false });
    for (const gone of ['tasks', 'paused', 'summary', 'history']) expect(item).not.toHaveProperty(gone);

    // A second writer still holding the unversioned read now conflicts.
    await expect(store.commitTurn({ previous: read, next, turn: turnRecord(next, 'late') })).rejects.toMatchObject({
      name: 'VersionConflictError',
    });
  });
});

describe('container factory (conversation-store.ts)', () => {
  it('needs TABLE_NAME, then hands out one store per container that reaches the table via the endpoint env', async () => {
    const factory = await import('../../../functions/adapters/conversation-store.js');
    delete process.env.TABLE_NAME;
    expect(() => factory.getConversationStore()).toThrow(/TABLE_NAME/);
    process.env.TABLE_NAME = db.tableName;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
    process.env.STATE_RETENTION_DAYS = '2';
    const store = factory.getConversationStore();
    expect(factory.getConversationStore()).toBe(store);

    const s1 = applyTurn(makeState('factory-1', Date.now()));
    await store.commitTurn({ previous: null, next: s1, turn: turnRecord(s1) });
    expect(await store.get('factory-1')).toMatchObject({ source: 'cache', version: 1 });
    const ttl = (await raw('factory-1'))!['expires_at'] as number;
    expect(Math.abs(ttl - (Math.floor(Date.now() / 1000) + 2 * 86_400))).toBeLessThan(60);
    expect(factory.getWarmCacheStats().kinds.state.hits).toBe(1);
    expect(factory.getStoreRequestCounters()?.requests['PutItem']).toBe(2);

    const evaluations = factory.getEvaluationCache<{ complete: boolean }>();
    evaluations.set('cp', { complete: true });
    expect(evaluations.get('cp')).toEqual({ complete: true });

    const idem = factory.getIdempotencyStore();
    expect(await idem.begin('factory-key', 'h')).toMatchObject({ kind: 'new' });
  });
});
