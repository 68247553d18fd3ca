/**
 * Applying a turn's typed answers to the stored conversation: the decisions of ./evaluation.ts turned into
 * lifecycle transitions (every status change through `transitionPath`, so an illegal one is a typed error),
 * values stored on their checkpoints, volunteered values kept by key, and the checkpoint the reply asked
 * counted (the basis of "rephrase on the second attempt, skip after two").
 */
import { isClosed, transitionPath } from '../checkpoint-lifecycle.js';
import type { Checkpoint, CheckpointStatus, ConversationState, Task } from '../state.js';
import { settleStack } from '../task-stack.js';
import { decideOutcomes, mergeNoted, type CheckpointOutcome, type TurnEvaluation } from './evaluation.js';

const PATHS: Record<'complete' | 'declined' | 'skipped', Partial<Record<CheckpointStatus, CheckpointStatus[]>>> = {
  complete: {
    pending: ['in_progress', 'evaluating', 'complete'],
    in_progress: ['evaluating', 'complete'],
    declined: ['complete'],
    skipped: ['complete'],
  },
  declined: { pending: ['in_progress', 'evaluating', 'declined'], in_progress: ['evaluating', 'declined'] },
  skipped: { in_progress: ['evaluating', 'skipped'] },
};

function applyOutcome(cp: Checkpoint, outcome: CheckpointOutcome, at: string): Checkpoint {
  if (outcome.kind === 'corrected') return { ...cp, value: outcome.value };
  const path = PATHS[outcome.kind][cp.status];
  if (path === undefined) return cp;
  const next = transitionPath(cp, path, at);
  if (outcome.kind === 'complete' && outcome.value !== undefined) next.value = outcome.value;
  return next;
}

/** What applying an evaluation did, for the turn record and the reply. */
export interface AppliedEvaluation {
  state: ConversationState;
  /** checkpoint_id → what happened to it this turn. */
  outcomes: Map<string, CheckpointOutcome>;
}

/**
 * Apply `evaluation` to every checkpoint of every task (a paused task is left alone). `currentId` is the
 * checkpoint in progress when the turn started. Tasks whose checkpoints are all settled complete; the stack
 * then advances to the next open checkpoint (which stays pending until the next turn begins).
 */
export function applyEvaluation(
  state: ConversationState,
  evaluation: TurnEvaluation,
  currentId: string | null,
  at: string,
): AppliedEvaluation {
  const noted = mergeNoted(state.noted, evaluation.noted);
  const all = state.task_stack.filter((t) => t.status !== 'paused').flatMap((t) => t.checkpoints);
  const outcomes = decideOutcomes(all, currentId, evaluation, noted);
  const task_stack: Task[] = state.task_stack.map((task) => {
    if (task.status === 'paused') return task;
    let changed = false;
    const checkpoints = task.checkpoints.map((cp) => {
      const outcome = outcomes.get(cp.checkpoint_id);
      if (outcome === undefined) return cp;
      changed = true;
      return applyOutcome(cp, outcome, at);
    });
    if (!changed) return task;
    const done = checkpoints.length > 0 && checkpoints.every((c) => isClosed(c.status));
    return { ...task, checkpoints, status: done ? 'complete' : task.status };
  });
  const next = settleStack({ ...state, task_stack, noted, stopped: evaluation.stop });
  return { state: next, outcomes };
}

/** Count one asking of `checkpointId` (the reply asked it). Unknown or settled ids change nothing. */
export function recordAsked(state: ConversationState, checkpointId: string | null): ConversationState {
  if (checkpointId === null) return state;
  let found = false;
  const task_stack = state.task_stack.map((task) => {
    const i = task.checkpoints.findIndex((c) => c.checkpoint_id === checkpointId && !isClosed(c.status));
    if (i < 0) return task;
    found = true;
    const checkpoints = task.checkpoints.slice();
    const cp = checkpoints[i]!;
    checkpoints[i] = { ...cp, asked: (cp.asked ?? 0) + 1 };
    return { ...task, checkpoints };
  });
  return found ? { ...state, task_stack } : state;
}

/**
 * Credit open checkpoints from the conversation's volunteered values (e.g. a support task added on a later
 * turn, or a generated extension, whose answer was given earlier). Used when checkpoints join the stack.
 */
export function creditNoted(state: ConversationState, at: string): ConversationState {
  if (Object.keys(state.noted).length === 0) return state;
  return applyEvaluation(state, { values: {}, noted: {}, declined: [], stop: state.stopped, legacyComplete: false }, null, at).state;
}
