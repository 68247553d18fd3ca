/**
 * MEMORY_URL: the external Memory Service as the system of record, against the reference service on a
 * loopback port, with DynamoDB (dynalite) as the fallback and cache — including the service failing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, newDocumentClient, type DynaliteHandle } from '../../support/dynalite.js';
import { DynamoIndividualMemory } from '../../../functions/adapters/individual-memory.js';
import { HttpAgentClient } from '../../../functions/adapters/http-agent-client.js';
import { HttpMemoryService } from '../../../functions/adapters/memory-service.js';
import { SK, individualPk } from '../../../functions/adapters/keys.js';
import { WarmCache } from '../../../functions/adapters/warm-cache.js';
import type { IndividualMemory, MemoryFacts, MemoryWriteRequest } from '../../../functions/core/memory/schema.js';
import { startLocalMemoryService, type LocalMemoryService } from '../../../local/memory-service.js';

let db: DynaliteHandle;
let svc: LocalMemoryService;
const services: HttpMemoryService[] = [];
let clockMs = Date.parse('2026-11-24T08:00:00.000Z');
const clock = { now: () => clockMs };

beforeAll(async () => {
  db = await startDynalite();
  svc = await startLocalMemoryService();
});
afterEach(() => svc.failWith(null));
afterAll(async () => {
  for (const s of services) s.destroy();
  await svc.stop();
  await db.stop();
});

function service(breaker = { failureThreshold: 5, coolDownMs: 60_000 }): HttpMemoryService {
  const s = new HttpMemoryService({ baseUrl: svc.url, client: new HttpAgentClient({ baseDelayMs: 1 }), breaker });
  services.push(s);
  return s;
}

function container(memoryService = service(), errors: string[] = []) {
  return new DynamoIndividualMemory({
    client: newDocumentClient(db.endpoint),
    tableName: db.tableName,
    clock,
    cache: new WarmCache(),
    service: memoryService,
    onServiceError: (op, err) => errors.push(`${op}:${(err as Error).name}`),
  });
}

let turn = 0;
function write(individual: string, conversation: string, facts: MemoryFacts): MemoryWriteRequest {
  turn += 1;
  clockMs += 1000;
  return { contract_version: 1, tenant: 'local', individual_id: individual, conversation_id: conversation, plan: 'daily_checkin', turn, at: new Date(clockMs).toISOString(), facts };
}

async function tableCopy(individual: string) {
  return (await db.client.send(new GetCommand({ TableName: db.tableName, Key: { pk: individualPk('local', individual), sk: SK.memory }, ConsistentRead: true }))).Item;
}

describe('Memory Service (MEMORY_URL)', () => {
  it('is the system of record; DynamoDB keeps a copy', async () => {
    const store = container();
    await store.apply(write('ind-1', 'conv-1', { commitments: [{ text: 'walk around the lake' }] }));
    const remote = svc.records.get('local/ind-1') as { version: number; memory: IndividualMemory };
    expect(remote.version).toBe(1);
    expect(remote.memory.commitments[0]!.text).toBe('walk around the lake');
    expect(((await tableCopy('ind-1'))!['memory'] as IndividualMemory).commitments[0]!.text).toBe('walk around the lake');
    // Reads ask the service: what it holds wins over the table's copy.
    remote.memory = { ...remote.memory, commitments: [{ ...remote.memory.commitments[0]!, text: 'swim twice' }] };
    expect((await container().read('ind-1', { fresh: true }))!.commitments[0]!.text).toBe('swim twice');
    expect(svc.exchanges.some((e) => e.method === 'GET' && e.path === '/tenants/local/individuals/ind-1/memory')).toBe(true);
  });

  it('concurrent writers through the service lose nothing (409 → re-read and re-apply)', async () => {
    const stores = [container(), container(), container()];
    const writes = Array.from({ length: 6 }, (_, i) => write('ind-race', i % 2 === 0 ? 'conv-a' : 'conv-b', { medications: [{ name: `drug-${i}`, status: 'active' }] }));
    await Promise.all(writes.map((w, i) => stores[i % 3]!.apply(w)));
    const remote = svc.records.get('local/ind-race') as { memory: IndividualMemory };
    expect(remote.memory.medications.map((m) => m.name).sort()).toEqual(writes.map((w) => w.facts.medications![0]!.name).sort());
    expect(svc.exchanges.some((e) => e.method === 'PUT' && e.status === 409)).toBe(true);
  });

  it('failing (503): reads fall back to DynamoDB, writes land there and reach the service once it recovers', async () => {
    const errors: string[] = [];
    const store = container(service(), errors);
    await store.apply(write('ind-2', 'conv-1', { medications: [{ name: 'metformin', status: 'active' }] }));
    svc.failWith(503);
    const during = write('ind-2', 'conv-2', { commitments: [{ text: 'call my sister' }] });
    await expect(store.apply(during)).resolves.toMatchObject({ applied: true });
    expect((await tableCopy('ind-2'))!['pending_sync']).toBe(true);
    const read = await container(service(), errors).read('ind-2', { fresh: true });
    expect(read!.commitments.map((c) => c.text)).toEqual(['call my sister']);
    expect(read!.medications.map((m) => m.name)).toEqual(['metformin']);
    expect(errors).toContain('write:AgentUnavailableError');
    expect(errors).toContain('read:AgentUnavailableError');

    svc.failWith(null);
    await store.apply(write('ind-2', 'conv-3', { mood: 'good' }));
    const remote = (svc.records.get('local/ind-2') as { memory: IndividualMemory }).memory;
    expect(remote.commitments.map((c) => c.text)).toEqual(['call my sister']);
    expect(remote.medications.map((m) => m.name)).toEqual(['metformin']);
    expect(remote.mood.map((m) => m.value)).toEqual(['good']);
    expect((await tableCopy('ind-2'))!['pending_sync']).toBeUndefined();
  });

  it('unreachable: the breaker opens and later reads go straight to DynamoDB', async () => {
    const errors: string[] = [];
    const memoryService = service({ failureThreshold: 2, coolDownMs: 60_000 });
    const store = container(memoryService, errors);
    await store.apply(write('ind-3', 'conv-1', { mood: 'low' }));
    svc.failWith('reset');
    for (let i = 0; i < 2; i++) expect((await store.read('ind-3', { fresh: true }))!.mood[0]!.value).toBe('low');
    expect(memoryService.breakerState).toBe('open');
    const seen = svc.exchanges.length;
    expect((await store.read('ind-3', { fresh: true }))!.mood[0]!.value).toBe('low');
    expect(svc.exchanges.length).toBe(seen);
    expect(errors.at(-1)).toMatch(/^read:/);
  });

  it('erasure deletes the record at the service and the copy', async () => {
    const store = container();
    await store.apply(write('ind-4', 'conv-1', { mood: 'good' }));
    await store.erase('ind-4');
    expect(svc.records.has('local/ind-4')).toBe(false);
    expect(await tableCopy('ind-4')).toBeUndefined();
  });
});
