/**
 * Double texting through the orchestrate handler on dynalite, with 5 "containers" (each its own client, warm
 * cache, store and queue): enqueue applies 30 overlapping turns one after another in API Gateway's arrival
 * order; reject answers exactly the overlapping ones 409 and they change nothing; a holder killed mid-turn is
 * taken over after its lease, and can never commit afterwards (fencing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, type DynaliteHandle } from '../../support/dynalite.js';
import { SK } from '../../../functions/adapters/keys.js';
import { Gate, container, context, headerOf, item, post, query, turnLog, until } from './queue-support.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

const pad = (i: number) => String(i).padStart(3, '0');

describe('turn queue: enqueue', () => {
  it('30 overlapping turns on one conversation from 5 containers: 30 × 200, turn_count +30, turn items in arrival order', { timeout: 120_000 }, async () => {
    const gate = new Gate();
    const containers = Array.from({ length: 5 }, (_, i) =>
      // A generous budget: this test is about order, not time (the budget bound has its own test below).
      container(db, { turnBudgetMs: 120_000, beforeFanout: i === 0 ? async (id) => (id === 'hold' ? gate.opened : undefined) : undefined }),
    );
    const first = await containers[1]!.handler(post(query('q-enq', 'first'), { at: 1_000, requestId: 'r-first' }), context);
    expect(first.statusCode).toBe(200);

    // "hi" is still being answered (held open) when 30 more messages arrive, a millisecond apart.
    const holding = containers[0]!.handler(post(query('q-enq', 'hold'), { at: 2_000, requestId: 'r-hold' }), context);
    await until(async () => (await item(db, 'q-enq', SK.lease))?.['fence'] === 2);
    const base = 3_000;
    const order = Array.from({ length: 30 }, (_, i) => i);
    // Sent in a scrambled order: the queue orders by API Gateway's request time, not by who asks first.
    const scrambled = [...order].sort((a, b) => ((a * 7919) % 31) - ((b * 7919) % 31));
    const answers = new Map<number, Promise<Awaited<typeof holding>>>();
    for (const i of scrambled) {
      answers.set(i, containers[i % 5]!.handler(post(query('q-enq', `m-${pad(i)}`), { at: base + i, requestId: `r-${pad(i)}` }), context));
    }
    await until(async () => Object.keys(((await item(db, 'q-enq', SK.lease))?.['q'] as object) ?? {}).length === 30);
    gate.release();
    expect((await holding).statusCode).toBe(200);
    const results = await Promise.all(order.map((i) => answers.get(i)!));
    expect(results.map((r) => r.statusCode)).toEqual(order.map(() => 200));
    // Each answered with its own reply, built on its predecessor's commit.
    const waits = results.map((r) => (JSON.parse(r.body) as { timing_metrics: Record<string, number> }).timing_metrics['queue']);
    expect(waits.every((w) => typeof w === 'number')).toBe(true);

    const state = await item(db, 'q-enq');
    expect(state?.['turn_count']).toBe(32);
    const log = await turnLog(db, 'q-enq');
    expect(log.map((t) => t['turn'])).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(log.map((t) => t['call_log_id'])).toEqual(['first', 'hold', ...order.map((i) => `m-${pad(i)}`)]);
    const arrived = log.map((t) => t['arrived_at'] as number);
    expect([...arrived].sort((a, b) => a - b)).toEqual(arrived);
    // Every turn committed under its own lease, fences strictly increasing.
    const fences = log.map((t) => t['fence'] as number);
    expect(fences).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    const lease = await item(db, 'q-enq', SK.lease);
    expect(Object.keys((lease?.['q'] as object) ?? {})).toEqual([]);
  });

  it('a turn that cannot start within its budget answers 503 with Retry-After and changes nothing', async () => {
    const gate = new Gate();
    const a = container(db, { beforeFanout: async () => gate.opened });
    const b = container(db, { turnBudgetMs: 1_300 }); // starts by 1.3 s − 1 s reserve
    const r0 = await container(db).handler(post(query('q-late', 'c0'), { at: 1, requestId: 'r0' }), context);
    expect(r0.statusCode).toBe(200);
    const holding = a.handler(post(query('q-late', 'c1'), { at: 2, requestId: 'r1' }), context);
    await until(async () => (await item(db, 'q-late', SK.lease))?.['fence'] === 2);
    const late = await b.handler(post(query('q-late', 'c2'), { at: 3, requestId: 'r2' }), context);
    expect(late.statusCode).toBe(503);
    expect(Number(headerOf(late, 'retry-after'))).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(late.body).error).toMatch(/could not start in time/);
    gate.release();
    expect((await holding).statusCode).toBe(200);
    expect((await item(db, 'q-late'))?.['turn_count']).toBe(2);
    expect((await turnLog(db, 'q-late')).map((t) => t['call_log_id'])).toEqual(['c0', 'c1']);
    expect(Object.keys(((await item(db, 'q-late', SK.lease))?.['q'] as object) ?? {})).toEqual([]);
  });

  it('an unknown X-Multitask-Strategy is a 400 naming the header, nothing written', async () => {
    const c = container(db);
    const res = await c.handler(post(query('q-bad', 'x'), { at: 1, requestId: 'rb' }, { 'X-Multitask-Strategy': 'interrupt' }), context);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).details[0].field).toBe('X-Multitask-Strategy');
    expect(await item(db, 'q-bad')).toBeUndefined();
    expect(await item(db, 'q-bad', SK.lease)).toBeUndefined();
  });
});

describe('turn queue: reject', () => {
  it('while a turn runs, exactly the overlapping ones answer 409 + Retry-After and change nothing', async () => {
    const gate = new Gate();
    const containers = Array.from({ length: 5 }, () => container(db, { beforeFanout: async (id) => (id === 'hold' ? gate.opened : undefined) }));
    const first = await containers[0]!.handler(post(query('q-rej', 'first'), { at: 1, requestId: 'r-a' }), context);
    expect(first.statusCode).toBe(200);
    const before = await item(db, 'q-rej');

    const reject = { 'X-Multitask-Strategy': 'reject' };
    const holding = containers[0]!.handler(post(query('q-rej', 'hold'), { at: 2, requestId: 'r-b' }, reject), context);
    await until(async () => (await item(db, 'q-rej', SK.lease))?.['fence'] === 2);
    const overlapping = await Promise.all(
      Array.from({ length: 29 }, (_, i) => containers[i % 5]!.handler(post(query('q-rej', `o-${i}`), { at: 3 + i, requestId: `r-o${i}` }, reject), context)),
    );
    expect(overlapping.map((r) => r.statusCode)).toEqual(overlapping.map(() => 409));
    for (const r of overlapping) expect(Number(headerOf(r, 'retry-after'))).toBeGreaterThanOrEqual(1);
    // Nothing changed by them: same state item while the holder still runs, no queue entries.
    expect(await item(db, 'q-rej')).toEqual(before);
    expect(Object.keys(((await item(db, 'q-rej', SK.lease))?.['q'] as object) ?? {})).toEqual([]);

    gate.release();
    expect((await holding).statusCode).toBe(200);
    const after = await item(db, 'q-rej');
    expect(after?.['turn_count']).toBe(2);
    expect((await turnLog(db, 'q-rej')).map((t) => t['call_log_id'])).toEqual(['first', 'hold']);
    // Once the holder committed, a turn in another container (stale cache) is accepted with reject too.
    const next = await containers[3]!.handler(post(query('q-rej', 'later'), { at: 100, requestId: 'r-later' }, reject), context);
    expect(next.statusCode).toBe(200);
    expect((await item(db, 'q-rej'))?.['turn_count']).toBe(3);
  });
});

describe('turn queue: a holder killed mid-turn', () => {
  it('the next turn proceeds once the lease ran out, and the killed holder can never commit afterwards', async () => {
    const stuck = new Gate();
    const killed = container(db, { leaseMs: 300, beforeFanout: async () => stuck.opened });
    const next = container(db, { leaseMs: 300 });
    expect((await next.handler(post(query('q-kill', 'c0'), { at: 1, requestId: 'k0' }), context)).statusCode).toBe(200);

    const zombie = killed.handler(post(query('q-kill', 'zombie'), { at: 2, requestId: 'k1' }), context);
    await until(async () => (await item(db, 'q-kill', SK.lease))?.['fence'] === 2);
    const started = Date.now();
    const r = await next.handler(post(query('q-kill', 'successor'), { at: 3, requestId: 'k2' }), context);
    expect(r.statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250); // waited for the lease, did not jump it
    expect((await item(db, 'q-kill'))?.['q_fence']).toBe(3);

    // The "killed" holder wakes up and tries to commit: the fence refuses it; nothing of it is stored.
    stuck.release();
    const late = await zombie;
    expect(late.statusCode).toBe(503);
    expect(JSON.parse(late.body).error).toMatch(/superseded/);
    const state = await item(db, 'q-kill');
    expect(state?.['turn_count']).toBe(2);
    expect((await turnLog(db, 'q-kill')).map((t) => t['call_log_id'])).toEqual(['c0', 'successor']);
    // And the conversation goes on normally.
    expect((await killed.handler(post(query('q-kill', 'after'), { at: 4, requestId: 'k3' }), context)).statusCode).toBe(200);
    expect((await item(db, 'q-kill'))?.['turn_count']).toBe(3);
  });
});
