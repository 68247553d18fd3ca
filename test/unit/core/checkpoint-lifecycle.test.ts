import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_STATUSES,
  canTransition,
  transitionCheckpoint,
} from '../../../functions/core/checkpoint-lifecycle.js';
import { IllegalCheckpointTransitionError } from '../../../functions/core/errors.js';
import type { Checkpoint, CheckpointStatus } from '../../../functions/core/state.js';

// The seed's state diagram, written out independently of the implementation's table…
const SEED = [
  'generated>pending',
  'pending>in_progress',
  'in_progress>evaluating',
  'evaluating>complete',
  'evaluating>in_progress',
  'in_progress>paused',
  'paused>in_progress',
];
// …plus the outcomes of schema v2: a refusal declines, two unusable answers skip, and an answer volunteered
// later completes a declined or skipped checkpoint after all.
const LEGAL = new Set([...SEED, 'evaluating>declined', 'evaluating>skipped', 'declined>complete', 'skipped>complete']);

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
  it('covers all 64 ordered pairs of the eight statuses; the seed diagram is still there', () => {
    expect(pairs).toHaveLength(64);
    expect(pairs.filter((p) => p.legal)).toHaveLength(11);
    for (const edge of SEED) {
      const [from, to] = edge.split('>') as [CheckpointStatus, CheckpointStatus];
      expect(canTransition(from, to)).toBe(true);
    }
  });

  it('complete stays terminal; declined and skipped only lead to complete', () => {
    expect(CHECKPOINT_STATUSES.filter((s) => canTransition('complete', s))).toEqual([]);
    expect(CHECKPOINT_STATUSES.filter((s) => canTransition('declined', s))).toEqual(['complete']);
    expect(CHECKPOINT_STATUSES.filter((s) => canTransition('skipped', s))).toEqual(['complete']);
    // Declining or skipping goes through evaluating, never straight from pending / in_progress.
    expect(canTransition('in_progress', 'declined')).toBe(false);
    expect(canTransition('pending', 'skipped')).toBe(false);
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
