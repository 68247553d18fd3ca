/**
 * Checkpoint lifecycle, exactly the seed's state diagram:
 *   generated → pending (added to a task) → in_progress (user interaction) → evaluating (check completion)
 *   → complete (criteria met) | back to in_progress (criteria not met); in_progress ↔ paused.
 * Every status change goes through `transitionCheckpoint`, so an illegal move is a typed error and never a
 * silent change of the stored state.
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
];

/** The legal edges of the lifecycle. `complete` is terminal. */
export const CHECKPOINT_TRANSITIONS: Readonly<Record<CheckpointStatus, readonly CheckpointStatus[]>> = {
  generated: ['pending'],
  pending: ['in_progress'],
  in_progress: ['evaluating', 'paused'],
  evaluating: ['complete', 'in_progress'],
  complete: [],
  paused: ['in_progress'],
};

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
