import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCircuitBreakers } from '../../../functions/adapters/circuit-breaker.js';
import { startDynalite, type DynaliteHandle } from '../../support/dynalite.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite({ tableName: 'breaker-test' });
});
afterAll(async () => {
  await db?.stop();
});

/** Two "containers": separate instances (own caches) over the same table, sharing an injected clock. */
function containers(clock: { t: number }, cacheTtlMs = 2000) {
  const make = () =>
    new DynamoCircuitBreakers({
      client: db.client,
      tableName: db.tableName,
      clock: { now: () => clock.t },
      cacheTtlMs,
      policyFor: () => ({ failure_threshold: 3, cool_down_seconds: 30 }),
    });
  return [make(), make()] as const;
}

describe('DynamoCircuitBreakers', () => {
  it('opens after the threshold of consecutive failures, stored as BREAKER#<agent>/STATE', async () => {
    const clock = { t: 1_000_000 };
    const [a] = containers(clock);
    for (let i = 0; i < 2; i++) await a.record({ medication: 'failure' });
    expect(await a.admit(['medication'])).toEqual({ allowed: ['medication'], open: [] });
    await a.record({ medication: 'failure' });
    expect(await a.admit(['medication', 'privacy'])).toEqual({ allowed: ['privacy'], open: ['medication'] });
    const item = await db.client.send(new GetCommand({ TableName: db.tableName, Key: { pk: 'BREAKER#medication', sk: 'STATE' } }));
    expect(item.Item).toMatchObject({ state: 'open', failures: 3, opened_at: 1_000_000, open_count: 1 });
    expect(item.Item!.expires_at).toBeGreaterThan(1_000_000 / 1000);
  });

  it('a success resets the consecutive count', async () => {
    const clock = { t: 2_000_000 };
    const [a] = containers(clock);
    await a.record({ followup: 'failure' });
    await a.record({ followup: 'failure' });
    await a.record({ followup: 'success' });
    await a.record({ followup: 'failure' });
    await a.record({ followup: 'failure' });
    expect((await a.admit(['followup'])).open).toEqual([]);
  });

  it('is seen open by a second container once its cache expires', async () => {
    const clock = { t: 3_000_000 };
    const [a, b] = containers(clock);
    expect((await b.admit(['nutrition'])).allowed).toEqual(['nutrition']); // b caches "closed"
    for (let i = 0; i < 3; i++) await a.record({ nutrition: 'failure' });
    clock.t += 2500; // past b's 2 s cache TTL, well inside the 30 s cool-down
    expect(await b.admit(['nutrition'])).toEqual({ allowed: [], open: ['nutrition'] });
  });

  it('failures counted by two containers add up', async () => {
    const clock = { t: 4_000_000 };
    const [a, b] = containers(clock, 0);
    await a.record({ checklist: 'failure' });
    await b.record({ checklist: 'failure' });
    await a.record({ checklist: 'failure' });
    expect((await b.admit(['checklist'])).open).toEqual(['checklist']);
  });

  it('half-opens after the cool-down: exactly one container gets the trial; success closes it', async () => {
    const clock = { t: 5_000_000 };
    const [a, b] = containers(clock, 0);
    for (let i = 0; i < 3; i++) await a.record({ privacy: 'failure' });
    clock.t += 29_000;
    expect((await a.admit(['privacy'])).open).toEqual(['privacy']);
    clock.t += 2_000; // cool-down over
    const [ra, rb] = await Promise.all([a.admit(['privacy']), b.admit(['privacy'])]);
    expect([...ra.allowed, ...rb.allowed]).toEqual(['privacy']); // one trial, not two
    expect([...ra.open, ...rb.open]).toEqual(['privacy']);
    const trialRunner = ra.allowed.length ? a : b;
    await trialRunner.record({ privacy: 'success' });
    expect(await a.admit(['privacy'])).toEqual({ allowed: ['privacy'], open: [] });
    expect(await b.admit(['privacy'])).toEqual({ allowed: ['privacy'], open: [] });
  });

  it('a failed trial re-opens for another cool-down', async () => {
    const clock = { t: 6_000_000 };
    const [a] = containers(clock, 0);
    for (let i = 0; i < 3; i++) await a.record({ human_intervention: 'failure' });
    clock.t += 31_000;
    expect((await a.admit(['human_intervention'])).allowed).toEqual(['human_intervention']);
    await a.record({ human_intervention: 'failure' });
    clock.t += 10_000;
    expect((await a.admit(['human_intervention'])).open).toEqual(['human_intervention']);
    const item = await db.client.send(new GetCommand({ TableName: db.tableName, Key: { pk: 'BREAKER#human_intervention', sk: 'STATE' } }));
    expect(item.Item).toMatchObject({ state: 'open', open_count: 2 });
  });

  it('fails open when the table cannot be read', async () => {
    const broken = new DynamoCircuitBreakers({
      client: db.client,
      tableName: 'no-such-table',
      policyFor: () => ({ failure_threshold: 1, cool_down_seconds: 30 }),
    });
    expect(await broken.admit(['privacy'])).toEqual({ allowed: ['privacy'], open: [] });
  });
});
