/**
 * Exactly-once per Idempotency-Key across crashes (issue #12), the handler's side; the store's side is in
 * adapters/idempotency.ts (owner, prepare, restart) and the turn's side in turn-lease.ts.
 *
 *   begin → PREPARED: an earlier attempt stored its answer for turn N and then committed, crashed, or failed.
 *     turn N holds this key          → the stored answer (`idempotent-replayed: true`), nothing runs again;
 *     not (yet) and time left        → 409 "request in progress" (the attempt may still commit);
 *     not and its time ran out       → restart(): this request takes the record over and runs the turn, and
 *                                      under the conversation's lease checks N once more (a late original
 *                                      cannot commit afterwards: the lease fenced it, and it no longer owns
 *                                      the record, so its prepare fails).
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OrchestratorResponse } from '../contracts/api.js';
import { TurnConflictError } from '../core/errors.js';
import type { ConversationStore } from '../core/ports.js';
import { serverTimingHeader } from '../core/timing.js';
import type { IdempotencyBegin, IdempotencyStore, StoredHttpResponse } from '../adapters/idempotency.js';
import { json, problem, type HttpResult } from './http.js';
import { findCommittedTurn } from './turn-lease.js';

/** A stored answer as the client sees it on a replay. */
export function replayed(response: StoredHttpResponse, metrics: Metrics): HttpResult {
  metrics.addMetric('IdempotentReplay', MetricUnit.Count, 1);
  return { ...response, headers: { ...response.headers, 'idempotent-replayed': 'true' } };
}

const inProgress = () =>
  problem(409, 'request in progress', 'Idempotency-Key', 'a request with this key is still being processed; retry later', { 'retry-after': '1' });

/** What to do with a PREPARED record: answer now, or run the turn as its new owner. */
export async function resolvePrepared(
  store: ConversationStore,
  idem: IdempotencyStore,
  key: string,
  payloadHash: string,
  begun: Extract<IdempotencyBegin, { kind: 'prepared' }>,
  metrics: Metrics,
): Promise<{ kind: 'answer'; result: HttpResult } | { kind: 'run'; owner: string }> {
  const state = await store.get(begun.conversationId, { consistent: true, bypassCache: true });
  if (await findCommittedTurn(store, begun.conversationId, begun.turn, key, state)) {
    // Crashed between the commit and its TURN item: the log is repaired from the state's record now.
    await store.repairTurnLog?.(begun.conversationId).catch(() => undefined);
    await idem.complete(key, begun.response).catch(() => undefined);
    return { kind: 'answer', result: replayed(begun.response, metrics) };
  }
  if (!begun.expired || !idem.restart) return { kind: 'answer', result: inProgress() };
  const owner = await idem.restart(key, payloadHash, begun.owner);
  return owner === null ? { kind: 'answer', result: inProgress() } : { kind: 'run', owner };
}

/** The turn's prepare hook: store the answer before the commit; a lost record aborts the turn (409). */
export function preparer(
  idem: IdempotencyStore,
  key: string,
  owner: string,
  conversationId: string,
): ((answer: OrchestratorResponse, turn: number) => Promise<void>) | undefined {
  if (!idem.prepare) return undefined;
  const prepare = idem.prepare.bind(idem);
  return async (answer, turn) => {
    const stored = json(200, answer, { 'server-timing': serverTimingHeader(answer.timing_metrics) });
    const ok = await prepare(key, owner, { response: { statusCode: stored.statusCode, headers: stored.headers, body: stored.body }, conversationId, turn });
    if (!ok) throw new TurnConflictError(conversationId);
  };
}
