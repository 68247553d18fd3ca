/**
 * The turn's side of the turn queue and of exactly-once (issue #12), kept out of turn.ts:
 *   - holdConversation: take this turn's place (TurnQueue.acquire), then make sure the state it builds on is
 *     the one its predecessor committed (served mark = the previous fence; otherwise a strongly consistent
 *     re-read), and when the predecessor never committed (crashed or timed out), fence the state first so
 *     that holder can never commit afterwards;
 *   - findCommittedTurn: did the turn an Idempotency-Key prepared get committed? (TURN#N holds the key, or,
 *     when TURN#N is a not-yet-repaired gap, the state's record of its last turn does).
 */
import type { OrchestratorQuery } from '../contracts/api.js';
import { LeaseLostError } from '../core/errors.js';
import {
  VersionConflictError,
  type Clock,
  type ConversationStore,
  type MultitaskStrategy,
  type StoredConversation,
  type TurnLease,
  type TurnQueue,
  type TurnRecord,
} from '../core/ports.js';

/** A conversation held for one turn. */
export interface HeldConversation {
  lease: TurnLease;
  /** The state as its predecessor committed it (null: a new conversation). */
  loaded: StoredConversation | null;
}

/** The queue's facts about a request (from API Gateway's request context). */
export interface TurnArrival {
  /** `requestContext.requestTimeEpoch`. */
  at: number;
  /** `requestContext.requestId`. */
  requestId: string;
  strategy: MultitaskStrategy;
}

/** Throw-signal: the Idempotency-Key's turn is already committed; the handler answers with its stored answer. */
export class AlreadyCommittedError extends Error {
  override readonly name = 'AlreadyCommittedError';
  constructor(
    readonly conversationId: string,
    readonly turn: number,
  ) {
    super(`turn ${turn} of conversation ${conversationId} is already committed`);
  }
}

/**
 * Acquire the conversation for this turn (waits under `enqueue`, 409 under `reject`, 503 when it cannot start
 * by `startBy`) and return the state to build on. Releases the lease itself when it throws.
 */
export async function holdConversation(
  deps: { store: ConversationStore; queue: TurnQueue; clock: Clock },
  query: Pick<OrchestratorQuery, 'conversation_id'>,
  arrival: TurnArrival,
  startBy: number,
  loaded: StoredConversation | null,
): Promise<HeldConversation> {
  const id = query.conversation_id;
  const knownServed = loaded ? (loaded.marks?.served ?? 0) : 0;
  let refreshed: { state: StoredConversation | null } | null = null;
  const refresh = async () => {
    refreshed = { state: await deps.store.get(id, { consistent: true, bypassCache: true }) };
    return refreshed.state?.marks?.served ?? 0;
  };
  const ticket = { conversationId: id, arrivedAt: arrival.at, requestId: arrival.requestId, strategy: arrival.strategy, startBy };
  const lease = await deps.queue.acquire(ticket, knownServed, refresh);
  try {
    // What this container read is exactly what the previous holder committed: no further request.
    if (knownServed === lease.previousFence && (loaded !== null || lease.previousFence === 0)) return { lease, loaded };
    const known = refreshed as { state: StoredConversation | null } | null;
    if (known && (known.state?.marks?.served ?? 0) === lease.previousFence && (known.state !== null || lease.previousFence === 0)) {
      return { lease, loaded: known.state };
    }
    let fresh = await deps.store.get(id, { consistent: true, bypassCache: true });
    if ((fresh?.marks?.served ?? 0) < lease.previousFence && deps.store.fence) {
      // The previous holder never committed: fence it out before building on the state.
      fresh = await deps.store.fence(id, lease.fence);
    }
    return { lease, loaded: fresh };
  } catch (err) {
    await lease.release();
    if (err instanceof VersionConflictError) throw new LeaseLostError(id);
    throw err;
  }
}

/**
 * True when turn `turn` of the conversation was committed with this Idempotency-Key. `state` is a state read
 * at or after that commit would have happened (its record of the last turn covers a TURN#N gap).
 */
export async function findCommittedTurn(
  store: ConversationStore,
  conversationId: string,
  turn: number,
  key: string,
  state: StoredConversation | null,
): Promise<boolean> {
  if (state === null || state.state.turn_count < turn) return false;
  const last = state.marks?.lastTurn as TurnRecord | undefined;
  if (last?.turn === turn) return last.idempotency_key === key;
  const record = store.getTurn ? await store.getTurn(conversationId, turn) : null;
  return record?.idempotency_key === key;
}
