/**
 * Exactly-once per Idempotency-Key across crashes, and no silent turn-log gaps, through the handler on
 * dynalite. A "crash" is fault injection on a container's DynamoDB client: the chosen request lands, then the
 * container answers nothing more (like kill -9), so neither its reply nor its idempotency completion happen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, type DynaliteHandle } from '../../support/dynalite.js';
import { DEFAULT_TENANT, SK, conversationPk, turnSk } from '../../../functions/adapters/keys.js';
import { ShiftedClock, container, context, headerOf, item, post, query, turnLog } from './queue-support.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

const isCommit = (op: string, input: Record<string, unknown>) =>
  (op === 'UpdateItem' || op === 'PutItem') &&
  ((input['Key'] ?? input['Item']) as { sk?: string } | undefined)?.sk === SK.state &&
  String(input['ConditionExpression'] ?? '').includes('version') === (op === 'UpdateItem');
const isTurnPut = (op: string, input: Record<string, unknown>) =>
  op === 'PutItem' && String((input['Item'] as { sk?: string } | undefined)?.sk ?? '').startsWith('TURN#');

describe('exactly-once per Idempotency-Key', () => {
  it('commit, crash before the answer, resend with the same key → the stored answer, one turn item, turn_count +1 once', async () => {
    const a = container(db);
    const b = container(db);
    expect((await b.handler(post(query('x-crash', 'c0'), { at: 1, requestId: 'x0' }), context)).statusCode).toBe(200);
    const before = await item(db, 'x-crash');

    a.faults.crashAfter = (op, input) => op === 'UpdateItem' && isCommit(op, input);
    const key = { 'Idempotency-Key': 'key-crash-1' };
    const lost = await a.handler(post(query('x-crash', 'c1', 'I ate an apple'), { at: 2, requestId: 'x1' }, key), context);
    expect(lost.statusCode).toBe(500); // the client never got an answer
    expect((await item(db, 'x-crash'))?.['turn_count']).toBe((before?.['turn_count'] as number) + 1);
    expect((await turnLog(db, 'x-crash')).map((t) => t['call_log_id'])).toEqual(['c0']); // TURN#2 not written

    const runs = b.fanout.runs.length;
    const resent = await b.handler(post(query('x-crash', 'c1', 'I ate an apple'), { at: 3, requestId: 'x2' }, key), context);
    expect(resent.statusCode).toBe(200);
    expect(headerOf(resent, 'idempotent-replayed')).toBe('true');
    expect(JSON.parse(resent.body).conversation_id).toBe('x-crash');
    expect(b.fanout.runs.length).toBe(runs); // nothing ran again
    const after = await item(db, 'x-crash');
    expect(after?.['turn_count']).toBe((before?.['turn_count'] as number) + 1);
    const log = await turnLog(db, 'x-crash');
    expect(log.map((t) => t['call_log_id'])).toEqual(['c0', 'c1']); // the gap repaired, one item
    expect(log[1]?.['idempotency_key']).toBe('key-crash-1');

    // A second resend is a plain replay of the same answer.
    const again = await b.handler(post(query('x-crash', 'c1', 'I ate an apple'), { at: 4, requestId: 'x3' }, key), context);
    expect(again.body).toBe(resent.body);
    expect((await item(db, 'x-crash'))?.['turn_count']).toBe((before?.['turn_count'] as number) + 1);
  });

  it('crash after the answer was prepared but before the commit → the resend applies the turn exactly once', async () => {
    const clock = new ShiftedClock();
    const a = container(db, { clock });
    const b = container(db, { clock });
    expect((await b.handler(post(query('x-prep', 'p0'), { at: 1, requestId: 'p0' }), context)).statusCode).toBe(200);
    a.faults.crashAfter = (op, input) => op === 'UpdateItem' && String(input['UpdateExpression'] ?? '').includes(':prepared');
    const key = { 'Idempotency-Key': 'key-prep-1' };
    expect((await a.handler(post(query('x-prep', 'p1'), { at: 2, requestId: 'p1' }, key), context)).statusCode).toBe(500);
    expect((await item(db, 'x-prep'))?.['turn_count']).toBe(1);

    // While the crashed attempt's time runs: in progress. Afterwards (a minute later: its idempotency time and
    // its lease on the conversation ran out): taken over, the crashed holder fenced, the turn applied once.
    const early = await b.handler(post(query('x-prep', 'p1'), { at: 3, requestId: 'p2' }, key), context);
    expect(early.statusCode).toBe(409);
    clock.offset += 61_000;
    const resent = await b.handler(post(query('x-prep', 'p1'), { at: 4, requestId: 'p3' }, key), context);
    expect(resent.statusCode).toBe(200);
    expect(headerOf(resent, 'idempotent-replayed')).toBeUndefined();
    expect((await item(db, 'x-prep'))?.['turn_count']).toBe(2);
    expect((await turnLog(db, 'x-prep')).map((t) => t['call_log_id'])).toEqual(['p0', 'p1']);
    const replay = await b.handler(post(query('x-prep', 'p1'), { at: 5, requestId: 'p4' }, key), context);
    expect(headerOf(replay, 'idempotent-replayed')).toBe('true');
    expect(replay.body).toBe(resent.body);
  });
});

describe('turn-log gaps', () => {
  it('a committed turn whose TURN item failed is answered, counted, and repaired by the next turn in another container', async () => {
    const a = container(db);
    const b = container(db);
    expect((await a.handler(post(query('x-gap', 'g0'), { at: 1, requestId: 'g0' }), context)).statusCode).toBe(200);
    a.faults.failOnly = (op, input) => isTurnPut(op, input);
    const r = await a.handler(post(query('x-gap', 'g1'), { at: 2, requestId: 'g1' }), context);
    expect(r.statusCode).toBe(200);
    expect(a.store.counters.turnLogFailures).toBe(1);
    a.faults.failOnly = undefined;
    expect((await turnLog(db, 'x-gap')).map((t) => t['call_log_id'])).toEqual(['g0']);

    expect((await b.handler(post(query('x-gap', 'g2'), { at: 3, requestId: 'g2' }), context)).statusCode).toBe(200);
    expect(b.store.counters.turnLogRepairs).toBe(1);
    const log = await turnLog(db, 'x-gap');
    expect(log.map((t) => t['call_log_id'])).toEqual(['g0', 'g1', 'g2']);
    expect(log.map((t) => t['turn'])).toEqual([1, 2, 3]);
  });

  it('a sweep repairs an injected gap of the last turn from the state record; nothing to do afterwards', async () => {
    const a = container(db);
    for (const [i, id] of ['s0', 's1', 's2'].entries()) {
      expect((await a.handler(post(query('x-sweep', id), { at: i, requestId: id }), context)).statusCode).toBe(200);
    }
    const original = (await turnLog(db, 'x-sweep'))[2];
    await db.client.send(new DeleteCommand({ TableName: db.tableName, Key: { pk: conversationPk(DEFAULT_TENANT, 'x-sweep'), sk: turnSk(3) } }));
    expect(await turnLog(db, 'x-sweep')).toHaveLength(2);
    const sweeper = container(db).store;
    expect(await sweeper.repairTurnLog('x-sweep')).toBe(3);
    expect(await sweeper.repairTurnLog('x-sweep')).toBeNull();
    const { expires_at: _a, ...repaired } = (await turnLog(db, 'x-sweep'))[2]!;
    const { expires_at: _b, ...expected } = original!;
    expect(repaired).toEqual(expected);
  });
});
