/**
 * Per-step turn timing (seed TimingMetrics): durations in milliseconds, rounded to 0.01 ms, reported in
 * the response's `timing_metrics` and as a `Server-Timing` header. Uses the injected Clock so tests control it.
 */
import type { Clock } from './ports.js';

/** The steps of a turn, in order. `total` is measured from the request's start. */
export const TURN_STEPS = ['state', 'checkpoints', 'agents', 'response', 'persist'] as const;
export type TurnStep = (typeof TURN_STEPS)[number] | 'dispatch' | 'queue' | 'total';

/** Collects step durations; a step measured twice (e.g. a re-run after a conflict) accumulates. */
export class TurnTimer {
  private readonly metrics: Record<string, number> = {};

  constructor(
    private readonly clock: Clock,
    private readonly requestStartedAt: number,
  ) {}

  /** Time an async step. */
  async time<T>(step: TurnStep, work: () => Promise<T>): Promise<T> {
    const start = this.clock.now();
    try {
      return await work();
    } finally {
      this.add(step, this.clock.now() - start);
    }
  }

  /** Time a synchronous step. */
  timeSync<T>(step: TurnStep, work: () => T): T {
    const start = this.clock.now();
    try {
      return work();
    } finally {
      this.add(step, this.clock.now() - start);
    }
  }

  /** Add a duration measured elsewhere. */
  add(step: TurnStep, ms: number): void {
    this.metrics[step] = round((this.metrics[step] ?? 0) + Math.max(0, ms));
  }

  /** Every step (missing ones as 0) plus `total` up to now. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const step of TURN_STEPS) out[step] = this.metrics[step] ?? 0;
    for (const [k, v] of Object.entries(this.metrics)) out[k] = v;
    out['total'] = round(Math.max(0, this.clock.now() - this.requestStartedAt));
    return out;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** `Server-Timing` header value, e.g. `state;dur=1.2, agents;dur=310, total;dur=330`. */
export function serverTimingHeader(metrics: Readonly<Record<string, number>>): string {
  return Object.entries(metrics)
    .filter(([name]) => /^[A-Za-z0-9_-]+$/.test(name))
    .map(([name, dur]) => `${name};dur=${dur}`)
    .join(', ');
}
