/**
 * What a turn's commit records on the state item beside the conversation (issue #12), kept apart from the
 * conversation's own fields so the state diff never sees them:
 *
 *   q_served   fence of the last committed turn          (the turn queue: "the holder of this fence is done")
 *   q_fence    highest fence that claimed the state      (fencing: a commit needs q_fence <= its own fence)
 *   last_turn  the last committed turn's TurnRecord      (turn-log repair: TURN#N is rebuilt from it)
 *
 * The commit's UpdateItem/PutItem carries them in the same single-item write as the conversation, so they are
 * atomic with it (no transactions: dynalite has none):
 *   - fencing: `q_fence <= :fence` joins the version condition; a successor that took over an expired lease
 *     first raised q_fence (`fenceExpression`), so the late holder's commit fails and can never land;
 *   - exactly-once: the turn record (with its idempotency key) is written with the commit;
 *   - no silent gaps: TURN#N is written after the commit; if that put never happens (crash, error), the next
 *     commit of the conversation finds TURN#N missing and writes it from `last_turn` (counted), see
 *     DynamoConversationStore.commitTurn.
 * Items written before this existed have none of the attributes: served = fence = 0, no record to repair from.
 */
import type { CommitMarks, TurnRecord } from '../core/ports.js';

/** Attribute names on the state item (never part of ConversationState). */
export const MARK_ATTRIBUTES = { served: 'q_served', fence: 'q_fence', lastTurn: 'last_turn' } as const;
export const MARK_ATTRIBUTE_NAMES: readonly string[] = Object.values(MARK_ATTRIBUTES);

/** The marks of a stored state item (zeros for an item written before the queue existed). */
export function readMarks(item: Record<string, unknown>): CommitMarks {
  const served = item[MARK_ATTRIBUTES.served];
  const fence = item[MARK_ATTRIBUTES.fence];
  const lastTurn = item[MARK_ATTRIBUTES.lastTurn];
  return {
    served: typeof served === 'number' ? served : 0,
    fence: typeof fence === 'number' ? fence : 0,
    ...(lastTurn && typeof lastTurn === 'object' ? { lastTurn: lastTurn as TurnRecord } : {}),
  };
}

/** What a commit adds to the state write. */
export interface CommitGuard {
  /** Fence of the turn's lease; absent when the queue is not used (then only the record is kept). */
  fence?: number;
  turn: TurnRecord;
}

/** Pieces of an UpdateItem expression. */
export interface ExpressionParts {
  condition: string | null;
  set: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** The guard's part of the commit's UpdateItem (joined to the version condition with AND). */
export function guardUpdate(guard: CommitGuard): ExpressionParts {
  const names: Record<string, string> = { '#q_last_turn': MARK_ATTRIBUTES.lastTurn };
  const values: Record<string, unknown> = { ':q_last_turn': guard.turn };
  const set = ['#q_last_turn = :q_last_turn'];
  let condition: string | null = null;
  if (guard.fence !== undefined) {
    names['#q_fence'] = MARK_ATTRIBUTES.fence;
    names['#q_served'] = MARK_ATTRIBUTES.served;
    values[':q_fence'] = guard.fence;
    set.push('#q_fence = :q_fence', '#q_served = :q_fence');
    condition = '(attribute_not_exists(#q_fence) OR #q_fence <= :q_fence)';
  }
  return { condition, set, names, values };
}

/** The guard's attributes on the PutItem that creates a conversation. */
export function guardItem(guard: CommitGuard): Record<string, unknown> {
  return {
    [MARK_ATTRIBUTES.lastTurn]: guard.turn,
    ...(guard.fence !== undefined ? { [MARK_ATTRIBUTES.fence]: guard.fence, [MARK_ATTRIBUTES.served]: guard.fence } : {}),
  };
}

/**
 * The takeover write: raise q_fence to the new holder's fence, so a holder whose lease ran out can never
 * commit afterwards. Only on an existing item, and never lowering the fence.
 */
export function fenceExpression(fence: number): {
  update: string;
  condition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  return {
    update: 'SET #q_fence = :q_fence',
    condition: 'attribute_exists(pk) AND (attribute_not_exists(#q_fence) OR #q_fence < :q_fence)',
    names: { '#q_fence': MARK_ATTRIBUTES.fence },
    values: { ':q_fence': fence },
  };
}
