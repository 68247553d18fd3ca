/**
 * A 500-turn conversation with the engine's bounded context (last 5 turns + a summary capped at
 * MAX_SUMMARY_CHARS): the state item's size stays under a fixed bound and the bytes written per turn do not
 * grow with the turn number. Prints the figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, type DynaliteHandle } from '../../support/dynalite.js';
import { DynamoConversationStore, conversationPk } from '../../../functions/adapters/dynamo-store.js';
import { DEFAULT_TENANT } from '../../../functions/adapters/keys.js';
import { WarmCache } from '../../../functions/adapters/warm-cache.js';
import { applyTurn, dynamoItemSize, makeState, ManualClock, turnRecord } from './helpers.js';

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

/** Fixed bound for the state item: far below DynamoDB's 400 KB, and a few write units per turn. */
const STATE_ITEM_BOUND_BYTES = 12 * 1024;

describe('state item growth over 500 turns', () => {
  it('keeps the state item bounded and the bytes written per turn flat', async () => {
    const store = new DynamoConversationStore({
      client: db.client,
      tableName: db.tableName,
      cache: new WarmCache(),
      retentionDays: 30,
      clock: new ManualClock(),
    });
    const id = 'growth-500';
    const sizes: number[] = [];
    const bytesPerTurn: number[] = [];
    const stateWriteBytes: number[] = [];
    let read = null as Awaited<ReturnType<typeof store.get>>;
    for (let t = 1; t <= 500; t++) {
      const next = applyTurn(read ? read.state : makeState(id), `user message number ${t} with some words`);
      const before = { ...store.counters.requestBytes };
      await store.commitTurn({ previous: read, next, turn: turnRecord(next) });
      const delta = (op: string) => (store.counters.requestBytes[op] ?? 0) - (before[op] ?? 0);
      bytesPerTurn.push(delta('PutItem') + delta('UpdateItem'));
      stateWriteBytes.push(t === 1 ? delta('PutItem') : delta('UpdateItem'));
      read = await store.get(id);
      if (t % 50 === 0 || t === 1) {
        const item = await db.client.send(new GetCommand({ TableName: db.tableName, Key: { pk: conversationPk(DEFAULT_TENANT, id), sk: 'STATE' } }));
        sizes[t] = dynamoItemSize(item.Item!);
      }
    }
    const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
    const window = (from: number, to: number) => avg(bytesPerTurn.slice(from - 1, to));
    const figures = {
      state_item_bytes_by_turn: Object.fromEntries(Object.entries(sizes).filter(([, v]) => v !== undefined)),
      request_bytes_per_turn: { 'turns 2-50': window(2, 50), 'turns 101-200': window(101, 200), 'turns 401-500': window(401, 500) },
      state_update_bytes: { turn_2: stateWriteBytes[1], turn_250: stateWriteBytes[249], turn_500: stateWriteBytes[499] },
      max_request_bytes_per_turn: Math.max(...bytesPerTurn),
    };
    console.log(JSON.stringify(figures, null, 2));

    const measured = sizes.filter((s): s is number => s !== undefined);
    expect(Math.max(...measured)).toBeLessThan(STATE_ITEM_BOUND_BYTES);
    // Once the summary reached its cap, the item no longer grows: turn 500 ≈ turn 200 (digits of numbers aside).
    expect(Math.abs(sizes[500]! - sizes[200]!)).toBeLessThan(64);
    // Bytes written per turn are flat: the last hundred turns cost what turns 101-200 cost (±2 %).
    expect(Math.abs(window(401, 500) - window(101, 200)) / window(101, 200)).toBeLessThan(0.02);
    // The state update itself is flat too (it carries the bounded context, never a growing history).
    expect(Math.abs(stateWriteBytes[499]! - stateWriteBytes[249]!)).toBeLessThan(64);
  });
});
