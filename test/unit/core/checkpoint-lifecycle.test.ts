import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_STATUSES,
  canTransition,
  transitionCheckpoint,
} from '../../../functions/core/checkpoint-lifecycle.js';
import { IllegalCheckpointTransitionError } from '../../../functions/core/errors.js';
import type { Checkpoint, CheckpointStatus } from '../../../functions/core/state.js';

// The seed's state diagram, written out independently of the implementation's table.
const LEGAL = new Set([
  'generated>pending',
  'pending>in_progress',
  'in_progress>evaluating',
  'evaluating>complete',
  'evaluating>in_progress',
  'in_progress>paused',
  'paused>in_progress',
]);

const cp = (status: CheckpointStatus): Checkpoint => ({
  checkpoint_id: 'cp-1',
  description: 'd',
  question: 'q',
  criteria: { keywords_any: ['x'] },
  status,
  source: 'plan',
});

const pairs = CHECKPOINT_STATUSES.flatMap((from) => CHECKPOINT_STATUSES.map((to) => ({ from, to, legal: LEGAL.has(`${from}>${to}`) })));

describe('checkpoint lifecycle', () => {
  it('covers all 36 ordered pairs of the six statuses', () => {
    expect(pairs).toHaveLength(36);
    expect(pairs.filter((p) => p.legal)).toHaveLength(7);
  });

  it.each(pairs.filter((p) => p.legal))('$from → $to is legal', ({ from, to }) => {
    const before = Object.freeze(cp(from));
    const after = transitionCheckpoint(before, to, '2026-11-23T10:00:00.000Z');
    expect(canTransition(from, to)).toBe(true);
    expect(after.status).toBe(to);
    expect(before.status).toBe(from); // input untouched
    if (to === 'complete') expect(after.completed_at).toBe('2026-11-23T10:00:00.000Z');
    else expect(after.completed_at).toBeUndefined();
  });

  it.each(pairs.filter((p) => !p.legal))('$from → $to is an IllegalCheckpointTransitionError', ({ from, to }) => {
    expect(canTransition(from, to)).toBe(false);
    let caught: unknown;
    try {
      transitionCheckpoint(cp(from), to);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(IllegalCheckpointTransitionError);
    const e = caught as IllegalCheckpointTransitionError;
    expect(e.from).toBe(from);
    expect(e.to).toBe(to);
    expect(e.checkpointId).toBe('cp-1');
    expect(e.message).toContain(`${from} → ${to}`);
  });
});
