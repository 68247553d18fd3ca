import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { startDynalite, newDocumentClient, DOCUMENT_CLIENT_TRANSLATE, type DynaliteHandle } from '../../support/dynalite.js';
import { DynamoConversationStore, conversationPk, turnSk, totalRequests } from '../../../functions/adapters/dynamo-store.js';
import { DEFAULT_TENANT } from '../../../functions/adapters/keys.js';
import { WarmCache } from '../../../functions/adapters/warm-cache.js';
import { StoreUnavailableError, VersionConflictError } from '../../../functions/core/ports.js';
import { applyTurn, captureCommands, makeState, ManualClock, turnRecord, type SentCommand } from './helpers.js';

let db: DynaliteHandle;
let clock: ManualClock;
beforeAll(async () => {
  db = await startDynalite();
  clock = new ManualClock();
});
afterAll(async () => {
  await db.stop();
});

/** A store as one Lambda container would have it: own client, own warm cache. */
function container(options: { cache?: boolean; retentionDays?: number } = {}): {
  store: DynamoConversationStore;
  client: DynamoDBDocumentClient;
  sent: SentCommand[];
  cache: WarmCache | undefined;
} {
  const client = newDocumentClient(db.endpoint);
  const sent = captureCommands(client);
  const cache = options.cache === false ? undefined : new WarmCache();
  const store = new DynamoConversationStore({
    client,
    tableName: db.tableName,
    cache,
    retentionDays: options.retentionDays ?? 30,
    clock,
    sleep: async () => {},
  });
  return { store, client, sent, cache };
}

async function rawItem(id: string, sk = 'STATE'): Promise<Record<string, unknown> | undefined> {
  const out = await db.client.send(new GetCommand({ TableName: db.tableName, Key: { pk: conversationPk(DEFAULT_TENANT, id), sk }, ConsistentRead: true }));
  return out.Item;
}

describe('DynamoConversationStore on dynalite', () => {
  it('creates a conversation with attribute_not_exists and loads it back from the table', async () => {
    const { store, sent } = container({ cache: false });
    const first = applyTurn(makeState('create-1'));
    const { version } = await store.commitTurn({ previous: null, next: first, turn: turnRecord(first) });
    expect(version).toBe(1);
    const put = sent.find((c) => c.operation === 'PutItem' && (c.input['Item'] as { sk: string }).sk === 'STATE')!;
    expect(put.input['ConditionExpression']).toBe('attribute_not_exists(pk)');

    const loaded = await store.get('create-1', { consistent: true });
    expect(loaded).toMatchObject({ version: 1, source: 'table' });
    // The state comes back without the store's own attributes.
    expect(loaded!.state).toEqual({ ...first, updated_at: new Date(clock.now()).toISOString() });
    expect(loaded!.state).not.toHaveProperty('pk');
    expect(loaded!.state).not.toHaveProperty('version');
    expect(await store.get('does-not-exist')).toBeNull();
    // Table reads are strongly consistent unless the caller opts out (a stale read would be a needless 409).
    const reads = sent.filter((c) => c.operation === 'GetItem').map((c) => c.input['ConsistentRead']);
    expect(reads).toEqual([true, true]);
    await store.get('create-1', { consistent: false });
    expect(sent.filter((c) => c.operation === 'GetItem').at(-1)!.input['ConsistentRead']).toBe(false);
    expect(await rawItem('create-1', turnSk(1))).toMatchObject({ turn: 1, call_log_id: 'call-1' });
  });

  it('a second create of the same conversation conflicts instead of overwriting', async () => {
    const a = container();
    const b = container();
    const s = applyTurn(makeState('create-race'));
    await a.store.commitTurn({ previous: null, next: s, turn: turnRecord(s, 'a') });
    await expect(b.store.commitTurn({ previous: null, next: s, turn: turnRecord(s, 'b') })).rejects.toBeInstanceOf(VersionConflictError);
    expect(await rawItem('create-race', turnSk(1))).toMatchObject({ call_log_id: 'a' });
  });

  it('writes only the changed top-level fields in ONE UpdateItem conditioned on the version read', async () => {
    const { store, sent } = container({ cache: false });
    const s1 = applyTurn(makeState('incr-1'));
    await store.commitTurn({ previous: null, next: s1, turn: turnRecord(s1) });
    const read = (await store.get('incr-1', { consistent: true }))!;

    const s2 = applyTurn(read.state);
    s2.is_paused = true;
    delete (s2 as Partial<typeof s2>).channel; // a removed field → REMOVE
    sent.length = 0;
    const { version } = await store.commitTurn({ previous: read, next: s2, turn: turnRecord(s2) });
    expect(version).toBe(2);

    const updates = sent.filter((c) => c.operation === 'UpdateItem');
    expect(updates).toHaveLength(1);
    const input = updates[0]!.input as {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
    };
    const [setClause, removeClause = ''] = input.UpdateExpression.replace(/^SET /, '').split(' REMOVE ');
    const setTargets = [...setClause!.matchAll(/(#\w+) = /g)].map((m) => input.ExpressionAttributeNames[m[1]!]);
    const removeTargets = removeClause
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((placeholder) => input.ExpressionAttributeNames[placeholder]);
    // list_pk/list_sk: the operator list index (keys.ts) moves with updated_at in the same request.
    // last_turn: the commit keeps the turn's record on the state item (turn-log repair, commit-marks.ts).
    expect(setTargets.sort()).toEqual(['context', 'expires_at', 'is_paused', 'last_turn', 'list_pk', 'list_sk', 'turn_count', 'updated_at', 'version']);
    expect(removeTargets).toEqual(['channel']);
    expect(input.ConditionExpression).toBe('#version = :read');
    expect(input.ExpressionAttributeValues[':read']).toBe(1);
    // Unchanged big fields (task_stack, pause_log, services, ids) are not sent at all.
    expect(JSON.stringify(input)).not.toContain('Question about goal');

    const item = (await rawItem('incr-1'))!;
    expect(item).toMatchObject({ version: 2, turn_count: 2, is_paused: true });
    expect(item).not.toHaveProperty('channel');
  });

  it('refuses a write on a stale version (VersionConflictError) and writes nothing', async () => {
    const { store } = container({ cache: false });
    const s1 = applyTurn(makeState('stale-1'));
    await store.commitTurn({ previous: null, next: s1, turn: turnRecord(s1) });
    const read = (await store.get('stale-1', { consistent: true }))!;
    const winner = applyTurn(read.state, 'winner');
    await store.commitTurn({ previous: read, next: winner, turn: turnRecord(winner, 'winner') });

    const loser = applyTurn(read.state, 'loser');
    const error = await store.commitTurn({ previous: read, next: loser, turn: turnRecord(loser, 'loser') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ conversationId: 'stale-1', expectedVersion: 1 });
    expect(await rawItem('stale-1')).toMatchObject({ version: 2, turn_count: 2 });
    expect(await rawItem('stale-1', turnSk(2))).toMatchObject({ call_log_id: 'winner' });
  });

  it('serves a warm container from the cache: no GetItem is sent', async () => {
    const { store, sent, cache } = container();
    const s1 = applyTurn(makeState('warm-1'));
    await store.commitTurn({ previous: null, next: s1, turn: turnRecord(s1) });
    sent.length = 0;
    const got = (await store.get('warm-1'))!;
    expect(got).toMatchObject({ source: 'cache', version: 1 });
    expect(sent.filter((c) => c.operation === 'GetItem')).toHaveLength(0);
    // The cached state is shared and deep-frozen: a caller cannot change what the next turn reads.
    expect(() => {
      got.state.task_stack[0]!.checkpoints = [];
    }).toThrow(TypeError);
    expect((await store.get('warm-1'))!.state.task_stack[0]!.checkpoints).toHaveLength(3);
    expect(cache!.stats().kinds.state.hits).toBe(2);
    // bypassCache goes to the table.
    expect(await store.get('warm-1', { bypassCache: true })).toMatchObject({ source: 'table' });
    expect(sent.filter((c) => c.operation === 'GetItem')).toHaveLength(1);
  });

  it('detects and repairs a stale warm cache: conflict, entry dropped, next get reads the table', async () => {
    const one = container();
    const two = container();
    const s1 = applyTurn(makeState('repair-1'));
    await one.store.commitTurn({ previous: null, next: s1, turn: turnRecord(s1) });

    // Container two (cold) reads the table and commits turn 2; container one still caches version 1.
    const seenByTwo = (await two.store.get('repair-1'))!;
    expect(seenByTwo.source).toBe('table');
    const s2 = applyTurn(seenByTwo.state, 'from two');
    await two.store.commitTurn({ previous: seenByTwo, next: s2, turn: turnRecord(s2, 'two') });

    const stale = (await one.store.get('repair-1'))!;
    expect(stale).toMatchObject({ source: 'cache', version: 1 });
    const s2b = applyTurn(stale.state, 'from one');
    await expect(one.store.commitTurn({ previous: stale, next: s2b, turn: turnRecord(s2b, 'one') })).rejects.toBeInstanceOf(
      VersionConflictError,
    );
    expect(one.cache!.stats().kinds.state.invalidations).toBe(1);

    one.sent.length = 0;
    const fresh = (await one.store.get('repair-1'))!;
    expect(fresh).toMatchObject({ source: 'table', version: 2 });
    expect(fresh.state.turn_count).toBe(2);
    expect(one.sent.filter((c) => c.operation === 'GetItem')).toHaveLength(1);
    // Re-applying on the fresh read succeeds as turn 3.
    const s3 = applyTurn(fresh.state, 'from one');
    await expect(one.store.commitTurn({ previous: fresh, next: s3, turn: turnRecord(s3, 'one') })).resolves.toMatchObject({ version: 3 });
  });

  it('update() re-reads and re-applies under contention until every mutation is in', async () => {
    const s1 = applyTurn(makeState('update-1'));
    await container().store.commitTurn({ previous: null, next: s1, turn: turnRecord(s1) });
    const writers = Array.from({ length: 8 }, () => container({ cache: false }));
    const results = await Promise.all(
      writers.map((w, i) =>
        w.store.update(
          'update-1',
          (state) => {
            state.services = [...state.services, `svc-${i}`];
            return state;
          },
          { maxAttempts: 30 },
        ),
      ),
    );
    expect(results.every((r) => r !== null)).toBe(true);
    const item = (await rawItem('update-1'))!;
    expect((item['services'] as string[]).filter((s) => s.startsWith('svc-')).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `svc-${i}`).sort(),
    );
    expect(item['version']).toBe(9);
    // A mutation that changes nothing writes nothing.
    const w = container({ cache: false });
    w.sent.length = 0;
    const same = await w.store.update('update-1', (state) => state);
    expect(same).toMatchObject({ version: 9 });
    expect(w.sent.filter((c) => c.operation === 'UpdateItem')).toHaveLength(0);
    expect(await w.store.update('no-such-conversation', (state) => state)).toBeNull();
  });

  it('update() gives up with VersionConflictError after maxAttempts', async () => {
    const s1 = applyTurn(makeState('update-giveup'));
    const { store } = container({ cache: false });
    await store.commitTurn({ previous: null, next: s1, turn: turnRecord(s1) });
    const other = container({ cache: false });
    let calls = 0;
    const attempt = store.update(
      'update-giveup',
      (state) => {
        calls++;
        state.is_paused = !state.is_paused;
        return state;
      },
      { maxAttempts: 2 },
    );
    // The racing writer lands between each read and write by bumping the version from "outside".
    const sneaky = async () => {
      const cur = (await other.store.get('update-giveup', { consistent: true }))!;
      await db.client.send(
        new PutCommand({ TableName: db.tableName, Item: { ...(await rawItem('update-giveup'))!, version: cur.version + 100 } }),
      );
    };
    const realSend = store['client'].send.bind(store['client']);
    // Intercept: before each UpdateItem of the store, another container bumps the version.
    (store['client'] as { send: unknown }).send = async (command: { constructor: { name: string } }, ...rest: unknown[]) => {
      if (command.constructor.name === 'UpdateCommand') await sneaky();
      return (realSend as (...a: unknown[]) => Promise<unknown>)(command, ...rest);
    };
    await expect(attempt).rejects.toBeInstanceOf(VersionConflictError);
    expect(calls).toBe(2);
  });

  it('refreshes expires_at (TTL) on every write from the configured retention', async () => {
    const { store } = container({ cache: false, retentionDays: 7 });
    const s1 = applyTurn(makeState('ttl-1'));
    await store.commitTurn({ previous: null, next: s1, turn: turnRecord(s1) });
    const t0 = Math.floor(clock.now() / 1000);
    expect((await rawItem('ttl-1'))!['expires_at']).toBe(t0 + 7 * 86_400);
    expect((await rawItem('ttl-1', turnSk(1)))!['expires_at']).toBe(t0 + 7 * 86_400);

    clock.ms += 3 * 86_400_000;
    const read = (await store.get('ttl-1', { consistent: true }))!;
    const s2 = applyTurn(read.state);
    await store.commitTurn({ previous: read, next: s2, turn: turnRecord(s2) });
    const item = (await rawItem('ttl-1'))!;
    expect(item['expires_at']).toBe(t0 + 3 * 86_400 + 7 * 86_400);
    expect(item['updated_at']).toBe(new Date(clock.now()).toISOString());
  });

  it('lists turns newest first', async () => {
    const { store } = container();
    let prev = null as Awaited<ReturnType<typeof store.get>>;
    let state = makeState('list-1');
    for (let i = 0; i < 4; i++) {
      state = applyTurn(state);
      await store.commitTurn({ previous: prev, next: state, turn: turnRecord(state) });
      prev = await store.get('list-1');
      state = prev!.state;
    }
    const turns = await store.listTurns('list-1', 3);
    expect(turns.map((t) => t.turn)).toEqual([4, 3, 2]);
    expect(turns[0]).not.toHaveProperty('pk');
  });

  it('counts requests and bytes per operation', async () => {
    const { store } = container();
    const s1 = applyTurn(makeState('count-1'));
    const before = totalRequests(store.counters);
    await store.commitTurn({ previous: null, next: s1, turn: turnRecord(s1) });
    const after = totalRequests(store.counters);
    expect(after.requests - before.requests).toBe(2); // state put + turn put
    expect(after.bytes - before.bytes).toBeGreaterThan(500);
    expect(store.counters.writeCapacityUnits).toBeGreaterThan(0);
  });
});

describe('DynamoConversationStore when DynamoDB is throttling', () => {
  it('maps throughput errors that survive the SDK retries to StoreUnavailableError with Retry-After', async () => {
    const base = new DynamoDBClient({ region: 'us-east-1', maxAttempts: 1 });
    const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    const client = DynamoDBDocumentClient.from(base, DOCUMENT_CLIENT_TRANSLATE);
    const mock = mockClient(client);
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400 },
    });
    mock.onAnyCommand().rejects(throttled);
    const cache = new WarmCache();
    const store = new DynamoConversationStore({ client, tableName: 't', cache, retentionDays: 30, clock, sleep: async () => {} });

    const error = await store.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(1);

    const s1 = applyTurn(makeState('x'));
    await expect(store.commitTurn({ previous: null, next: s1, turn: turnRecord(s1) })).rejects.toBeInstanceOf(StoreUnavailableError);
    // The turn item is never attempted when the state write failed: no partial turn.
    expect(mock.commandCalls(PutCommand)).toHaveLength(1);

    mock.reset();
    mock.onAnyCommand().rejects(Object.assign(new Error('boom'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }));
    await expect(store.listTurns('x')).rejects.toBeInstanceOf(StoreUnavailableError);

    // A client error is not "unavailable": it surfaces as is (a bug, not a retryable outage).
    mock.reset();
    mock.onAnyCommand().rejects(Object.assign(new Error('bad'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }));
    const validation = await store.get('x').catch((e: unknown) => e);
    expect(validation).not.toBeInstanceOf(StoreUnavailableError);
    expect((validation as Error).name).toBe('ValidationException');
  });
});
