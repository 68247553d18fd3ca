/**
 * Checkpoint lifecycle: the seed's state diagram, extended with two terminal outcomes.
 *   generated → pending (added to a task) → in_progress (user interaction) → evaluating (check completion)
 *   → complete (criteria met) | back to in_progress (criteria not met); in_progress ↔ paused.
 * Added (schema v2):
 *   (a turn can answer any open checkpoint, not only the current one: a pending checkpoint answered early
 *   walks the seed's own edges pending → in_progress → evaluating → complete within the turn);
 *   evaluating → declined: the patient refused to answer ("I'd rather not say") — not asked again;
 *   evaluating → skipped: no usable answer after two attempts — the conversation moves on;
 *   declined | skipped → complete: the patient volunteers the answer later after all.
 * `complete` stays terminal (a later answer corrects its value, not its status). Every status change goes
 * through `transitionCheckpoint`, so an illegal move is a typed error and never a silent change of the
 * stored state. `checkpoint_progress` reports only complete as true.
 */
import { IllegalCheckpointTransitionError } from './errors.js';
import type { Checkpoint, CheckpointStatus } from './state.js';

/** All checkpoint statuses, in lifecycle order. */
export const CHECKPOINT_STATUSES: readonly CheckpointStatus[] = [
  'generated',
  'pending',
  'in_progress',
  'evaluating',
  'complete',
  'paused',
  'declined',
  'skipped',
];

/** The legal edges of the lifecycle. `complete` is terminal. */
export const CHECKPOINT_TRANSITIONS: Readonly<Record<CheckpointStatus, readonly CheckpointStatus[]>> = {
  generated: ['pending'],
  pending: ['in_progress'],
  in_progress: ['evaluating', 'paused'],
  evaluating: ['complete', 'in_progress', 'declined', 'skipped'],
  complete: [],
  paused: ['in_progress'],
  declined: ['complete'],
  skipped: ['complete'],
};

/** Statuses after which a checkpoint is not asked again: answered, refused or given up on. */
export const CLOSED_STATUSES: ReadonlySet<CheckpointStatus> = new Set(['complete', 'declined', 'skipped']);

/** True when the checkpoint is settled (complete, declined or skipped). */
export function isClosed(status: CheckpointStatus): boolean {
  return CLOSED_STATUSES.has(status);
}

/** Whether the lifecycle has the edge from → to. */
export function canTransition(from: CheckpointStatus, to: CheckpointStatus): boolean {
  return CHECKPOINT_TRANSITIONS[from].includes(to);
}

/**
 * Move a checkpoint to `to`, returning a new checkpoint (the input is never mutated). Completing stamps
 * `completed_at` with `at` (ISO time). Throws IllegalCheckpointTransitionError for an edge the diagram lacks.
 */
export function transitionCheckpoint(checkpoint: Checkpoint, to: CheckpointStatus, at?: string): Checkpoint {
  if (!canTransition(checkpoint.status, to)) {
    throw new IllegalCheckpointTransitionError(checkpoint.checkpoint_id, checkpoint.status, to);
  }
  const next: Checkpoint = { ...checkpoint, status: to };
  if (to === 'complete' && at !== undefined) next.completed_at = at;
  return next;
}

/** Walk a path of statuses, each step checked (e.g. pending → evaluating → complete). */
export function transitionPath(checkpoint: Checkpoint, path: readonly CheckpointStatus[], at?: string): Checkpoint {
  let cp = checkpoint;
  for (const to of path) cp = transitionCheckpoint(cp, to, at);
  return cp;
}
