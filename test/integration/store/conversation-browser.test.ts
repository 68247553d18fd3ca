/**
 * The operator list index and turn log on dynalite: the state write itself maintains the sparse GSI (no extra
 * request), the list is newest first per tenant, filters and cursors work, a cursor never opens another
 * tenant's list, and the turn log reads a key range.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoConversationStore } from '../../../functions/adapters/dynamo-store.js';
import { DynamoConversationBrowser } from '../../../functions/adapters/conversation-browser.js';
import { RequestValidationError } from '../../../functions/core/errors.js';
import { startDynalite, type DynaliteHandle } from '../../support/dynalite.js';
import { applyTurn, captureCommands, makeState, ManualClock, turnRecord } from './helpers.js';

let db: DynaliteHandle;
const clock = new ManualClock(Date.UTC(2026, 10, 24, 8));

beforeAll(async () => {
  db = await startDynalite({ tableName: 'browse-test' });
});
afterAll(async () => db?.stop());

function store(tenant: string): DynamoConversationStore {
  return new DynamoConversationStore({ client: db.client, tableName: db.tableName, tenant, retentionDays: 30, clock });
}

async function converse(s: DynamoConversationStore, id: string, individual: string, turns: number, paused = false): Promise<void> {
  let previous = null;
  for (let i = 0; i < turns; i++) {
    clock.ms += 1000;
    const base = previous?.state ?? { ...makeState(id, clock.now()), individual_id: individual };
    let next = applyTurn(base);
    if (paused && i === turns - 1) next = { ...next, is_paused: true, requires_human: true };
    await s.commitTurn({ previous, next, turn: turnRecord(next) });
    previous = await s.get(id, { consistent: true, bypassCache: true });
  }
}

describe('conversation list index and turn log', () => {
  const browser = () => new DynamoConversationBrowser({ client: db.client, tableName: db.tableName });

  it('is maintained by the state write itself: one request per commit, as before', async () => {
    const s = store('t1');
    const sent = captureCommands(db.client);
    await converse(s, 'c-1', 'ind-1', 2);
    const writes = sent.filter((c) => c.operation === 'PutItem' || c.operation === 'UpdateItem');
    // 2 turns = 2 state writes + 2 turn items; nothing else.
    expect(writes).toHaveLength(4);
  });

  it('lists a tenant’s conversations newest first, filtered by individual and status, paged by cursor', async () => {
    const s = store('t1');
    await converse(s, 'c-2', 'ind-2', 1, true);
    await converse(s, 'c-3', 'ind-1', 3);
    await converse(store('t2'), 'c-other', 'ind-1', 1);
    const all = await browser().listConversations('t1', { limit: 10 });
    expect(all.rows.map((r) => r.conversation_id)).toEqual(['c-3', 'c-2', 'c-1']);
    expect(all.rows[0]).toMatchObject({ individual_id: 'ind-1', turn_count: 3, status: 'active', plan: 'weight_loss' });
    expect(all.nextCursor).toBeNull();

    expect((await browser().listConversations('t1', { limit: 10, status: 'paused' })).rows.map((r) => r.conversation_id)).toEqual(['c-2']);
    expect((await browser().listConversations('t1', { limit: 10, individualId: 'ind-1' })).rows.map((r) => r.conversation_id)).toEqual(['c-3', 'c-1']);
    expect((await browser().listConversations('t2', { limit: 10 })).rows.map((r) => r.conversation_id)).toEqual(['c-other']);

    const first = await browser().listConversations('t1', { limit: 2 });
    expect(first.rows.map((r) => r.conversation_id)).toEqual(['c-3', 'c-2']);
    const rest = await browser().listConversations('t1', { limit: 2, cursor: first.nextCursor! });
    expect(rest.rows.map((r) => r.conversation_id)).toEqual(['c-1']);
    // A filter that drops rows still fills the page from later index items.
    const one = await browser().listConversations('t1', { limit: 1, individualId: 'ind-1' });
    expect(one.rows.map((r) => r.conversation_id)).toEqual(['c-3']);
  });

  it('refuses a cursor of another tenant or a made-up one (400 naming `cursor`)', async () => {
    const page = await browser().listConversations('t1', { limit: 1 });
    await expect(browser().listConversations('t2', { limit: 1, cursor: page.nextCursor! })).rejects.toBeInstanceOf(RequestValidationError);
    await expect(browser().listConversations('t1', { limit: 1, cursor: 'bm9wZQ' })).rejects.toThrow(/cursor/);
  });

  it('reads the turn log after a given turn, in order', async () => {
    const turns = await browser().listTurns('t1', 'c-3', { after: 1, limit: 10 });
    expect(turns.map((t) => t.turn)).toEqual([2, 3]);
    expect(await browser().listTurns('t2', 'c-3', { after: 0, limit: 10 })).toEqual([]);
  });
});
