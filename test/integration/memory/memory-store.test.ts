/**
 * Individual memory on dynalite: concurrent writers from two conversations of one individual (several
 * "containers" at once) lose no fact; a redelivered turn is a no-op; the item lives under the individual's
 * partition with its own retention; reads go through the warm cache; erasure removes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, newDocumentClient, type DynaliteHandle } from '../../support/dynalite.js';
import { DynamoIndividualMemory } from '../../../functions/adapters/individual-memory.js';
import { instrumentClient, totalRequests } from '../../../functions/adapters/dynamo-store.js';
import { SK, individualPk } from '../../../functions/adapters/keys.js';
import { WarmCache } from '../../../functions/adapters/warm-cache.js';
import type { MemoryFacts, MemoryWriteRequest } from '../../../functions/core/memory/schema.js';

let db: DynaliteHandle;
const now = Date.parse('2026-11-24T08:00:00.000Z');
const clock = { now: () => now };

beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

function container(options: { cache?: WarmCache; retentionDays?: number } = {}) {
  const client = newDocumentClient(db.endpoint);
  return { client, store: new DynamoIndividualMemory({ client, tableName: db.tableName, clock, cache: options.cache ?? new WarmCache(), retentionDays: options.retentionDays ?? 90 }) };
}

function write(individual: string, conversation: string, turn: number, facts: MemoryFacts): MemoryWriteRequest {
  const at = new Date(now + turn * 1000 + (conversation.endsWith('b') ? 500 : 0)).toISOString();
  return { contract_version: 1, tenant: 'local', individual_id: individual, conversation_id: conversation, plan: 'daily_checkin', turn, at, facts };
}

describe('individual memory on DynamoDB', () => {
  it('concurrent writes from two conversations of one individual lose nothing', async () => {
    const containers = Array.from({ length: 4 }, () => container().store);
    const requests: MemoryWriteRequest[] = [];
    for (const conv of ['conv-a', 'conv-b']) {
      for (let turn = 1; turn <= 5; turn++) {
        requests.push(write('ind-race', conv, turn, { commitments: [{ text: `${conv} plan ${turn}` }], medications: [{ name: `${conv}-drug-${turn}`, status: 'active' }] }));
      }
    }
    // Every request at once, each through a different container; some twice (Lambda redelivers async events).
    const results = await Promise.all([...requests, ...requests.slice(0, 3)].map((r, i) => containers[i % containers.length]!.apply(r)));
    expect(results.filter((r) => r.applied)).toHaveLength(requests.length);
    const memory = await container().store.read('ind-race', { fresh: true });
    expect(memory!.commitments.map((c) => c.text).sort()).toEqual(requests.map((r) => r.facts.commitments![0]!.text).sort());
    expect(memory!.medications.map((m) => m.name).sort()).toEqual(requests.map((r) => r.facts.medications![0]!.name).sort());
    expect(memory!.applied.map((a) => [a.conversation_id, a.turns]).sort()).toEqual([['conv-a', [1, 2, 3, 4, 5]], ['conv-b', [1, 2, 3, 4, 5]]]);
    // Each fact says when and where it was learned.
    expect(memory!.commitments.find((c) => c.text === 'conv-b plan 3')!.learned).toMatchObject({ conversation_id: 'conv-b', turn: 3 });
  });

  it('lives under the individual partition with its own retention (TTL) and a version', async () => {
    const { store } = container({ retentionDays: 7 });
    await store.apply(write('ind-ttl', 'conv-1', 1, { mood: 'low' }));
    const item = (await db.client.send(new GetCommand({ TableName: db.tableName, Key: { pk: individualPk('local', 'ind-ttl'), sk: SK.memory } }))).Item!;
    expect(item['pk']).toBe('T#local#IND#ind-ttl');
    expect(item['expires_at']).toBe(Math.floor(now / 1000) + 7 * 86_400);
    expect(item['version']).toBe(1);
    expect(JSON.stringify(item['memory'])).not.toContain('"text"');
  });

  it('reads through the warm cache: a fresh read costs one request, later reads none', async () => {
    const cache = new WarmCache();
    const { client, store } = container({ cache });
    await container().store.apply(write('ind-cache', 'conv-1', 1, { medications: [{ name: 'metformin', status: 'active' }] }));
    const counters = instrumentClient(client);
    const before = totalRequests(counters).requests;
    expect((await store.read('ind-cache', { fresh: true }))!.medications[0]!.name).toBe('metformin');
    expect(totalRequests(counters).requests - before).toBe(1);
    await store.read('ind-cache');
    await store.read('ind-cache');
    expect(totalRequests(counters).requests - before).toBe(1);
    // An unknown individual is cached too (null), so their later turns cost nothing either.
    expect(await store.read('ind-nobody', { fresh: true })).toBeNull();
    expect(await store.read('ind-nobody')).toBeNull();
    expect(totalRequests(counters).requests - before).toBe(2);
    expect(cache.stats().kinds.context.hits).toBe(3);
  });

  it('erase removes the memory (and only the memory of that individual)', async () => {
    const { store } = container();
    await store.apply(write('ind-erase', 'conv-1', 1, { mood: 'good' }));
    await store.apply(write('ind-keep', 'conv-2', 1, { mood: 'good' }));
    await store.erase('ind-erase');
    expect(await store.read('ind-erase', { fresh: true })).toBeNull();
    const left = await db.client.send(new QueryCommand({ TableName: db.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': individualPk('local', 'ind-erase') } }));
    expect(left.Items).toEqual([]);
    expect(await store.read('ind-keep', { fresh: true })).not.toBeNull();
  });

  it('keeps tenants apart', async () => {
    const other = new DynamoIndividualMemory({ client: newDocumentClient(db.endpoint), tableName: db.tableName, clock, tenant: 'acme' });
    await other.apply({ ...write('ind-t', 'conv-1', 1, { mood: 'good' }), tenant: 'acme' });
    expect(await container().store.read('ind-t', { fresh: true })).toBeNull();
    expect(await other.read('ind-t', { fresh: true })).not.toBeNull();
    await expect(other.apply(write('ind-t', 'conv-1', 2, { mood: 'low' }))).rejects.toThrow(/tenant/);
  });
});
