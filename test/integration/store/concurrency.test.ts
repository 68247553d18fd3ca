/**
 * Store-level races: many turns of one conversation from several containers at once, and many
 * conversations at once. A turn is "accepted" when commitTurn resolved, "refused" (the handler's 409) when it
 * raised VersionConflictError. Afterwards: every accepted turn has exactly its TURN item, the state's
 * turn_count equals the accepted count, nothing is doubled or lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, newDocumentClient, type DynaliteHandle } from '../../support/dynalite.js';
import { DynamoConversationStore, conversationPk } from '../../../functions/adapters/dynamo-store.js';
import { DEFAULT_TENANT } from '../../../functions/adapters/keys.js';
import { WarmCache } from '../../../functions/adapters/warm-cache.js';
import { VersionConflictError } from '../../../functions/core/ports.js';
import { applyTurn, makeState, ManualClock, turnRecord } from './helpers.js';

let db: DynaliteHandle;
const clock = new ManualClock();
let containers: DynamoConversationStore[];

beforeAll(async () => {
  db = await startDynalite();
  containers = Array.from(
    { length: 5 },
    () =>
      new DynamoConversationStore({
        client: newDocumentClient(db.endpoint),
        tableName: db.tableName,
        cache: new WarmCache(),
        retentionDays: 30,
        clock,
      }),
  );
});
afterAll(async () => {
  await db.stop();
});

type Outcome = { callLogId: string; accepted: boolean };

/**
 * One turn as the engine runs it: get → apply → commitTurn; on a conflict after a cached read, invalidate,
 * re-read from the table and re-run once (stale-cache repair); a conflict on a table read is a 409.
 */
async function turn(store: DynamoConversationStore, conversationId: string, callLogId: string): Promise<Outcome> {
  let read = await store.get(conversationId, { consistent: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    const next = applyTurn(read ? read.state : makeState(conversationId), callLogId);
    try {
      await store.commitTurn({ previous: read, next, turn: turnRecord(next, callLogId) });
      return { callLogId, accepted: true };
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      if (read?.source !== 'cache') return { callLogId, accepted: false };
      read = await store.get(conversationId, { consistent: true });
    }
  }
  return { callLogId, accepted: false };
}

async function check(conversationId: string, outcomes: Outcome[]): Promise<void> {
  const accepted = outcomes.filter((o) => o.accepted).map((o) => o.callLogId);
  const state = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: { pk: conversationPk(DEFAULT_TENANT, conversationId), sk: 'STATE' }, ConsistentRead: true }),
  );
  const turns = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
      ExpressionAttributeValues: { ':pk': conversationPk(DEFAULT_TENANT, conversationId), ':t': 'TURN#' },
      ConsistentRead: true,
    }),
  );
  const items = turns.Items ?? [];
  expect(state.Item?.['turn_count']).toBe(accepted.length);
  expect(items.map((t) => t['turn'])).toEqual(Array.from({ length: accepted.length }, (_, i) => i + 1));
  // Exactly the accepted requests are logged, each once.
  expect(items.map((t) => t['call_log_id']).sort()).toEqual([...accepted].sort());
  // The rolling context's newest entry is the last logged turn (state and log agree).
  const recent = (state.Item?.['context'] as { recent: Array<{ turn: number; user: string }> }).recent;
  expect(recent.at(-1)).toMatchObject({ turn: accepted.length, user: items.at(-1)!['call_log_id'] });
}

describe('store under concurrent turns', () => {
  it('50 turns racing on one conversation from 5 containers: no lost and no doubled turn', async () => {
    const first = await turn(containers[0]!, 'race-one', 'first');
    expect(first.accepted).toBe(true);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => turn(containers[i % containers.length]!, 'race-one', `req-${i}`)),
    );
    const accepted = outcomes.filter((o) => o.accepted).length;
    console.log(`50 racing turns: ${accepted} accepted, ${50 - accepted} refused (409)`);
    expect(accepted).toBeGreaterThanOrEqual(1);
    await check('race-one', [first, ...outcomes]);
  });

  // 500 turns; each container switch also checks the previous turn's log item (commit-marks.ts): slow on a busy machine.
  it('20 conversations x 25 turns at once, turns rotating over containers with stale caches', { timeout: 90_000 }, async () => {
    const repairsBefore = containers.reduce((n, s) => n + s.counters.requests['GetItem']!, 0);
    const perConversation = await Promise.all(
      Array.from({ length: 20 }, async (_, c) => {
        const id = `many-${c}`;
        const outcomes: Outcome[] = [];
        // A user's turns follow each other, but each lands on another container (whose cache is stale).
        for (let t = 0; t < 25; t++) outcomes.push(await turn(containers[(c + t) % containers.length]!, id, `c${c}-t${t}`));
        return { id, outcomes };
      }),
    );
    for (const { id, outcomes } of perConversation) {
      // Stale caches are repaired by the re-run: no turn of a lone user is ever refused.
      expect(outcomes.filter((o) => !o.accepted)).toEqual([]);
      await check(id, outcomes);
    }
    const reads = containers.reduce((n, s) => n + s.counters.requests['GetItem']!, 0) - repairsBefore;
    console.log(`20 x 25 turns: 500 accepted, 0 refused, ${reads} table reads (cold + stale-cache repairs)`);
  });
});
