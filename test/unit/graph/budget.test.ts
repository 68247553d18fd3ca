import { describe, expect, it } from 'vitest';
import { computeBudget, DEFAULT_BUDGET } from '../../../functions/adapters/fanout.js';
import { defaultRegistry, topologicalLevels } from '../../../functions/core/agent-graph.js';

const registry = defaultRegistry();
const now = 1_000_000;

describe('computeBudget (per-agent timeouts from the turn deadline)', () => {
  it('reserves the responder share first; the agent levels together never exceed the rest', () => {
    const run = ['privacy', 'followup', 'nutrition', 'checklist', 'human_intervention'];
    const b = computeBudget(registry, run, 'primary', now, now + 27_000);
    const available = 27_000 - DEFAULT_BUDGET.safetyMarginMs;
    expect(b.responderMs).toBeCloseTo(available * DEFAULT_BUDGET.responderShare, 0);
    expect(b.timeouts.primary).toBe(Math.floor(b.responderMs / 1000));
    // Worst case: every level runs to its slowest agent's timeout, one level after the other.
    const levels = topologicalLevels(registry).map((l) => l.filter((n) => run.includes(n))).filter((l) => l.length);
    const worst = levels.reduce((sum, l) => sum + Math.max(...l.map((n) => b.timeouts[n]!)), 0) * 1000;
    expect(worst).toBeLessThanOrEqual(b.agentsMs);
    expect(worst + b.timeouts.primary! * 1000).toBeLessThanOrEqual(available);
  });

  it('never gives an agent more than its profile, and the slower level the larger share', () => {
    const b = computeBudget(registry, ['human_intervention', 'checklist'], 'primary', now, now + 120_000);
    expect(b.timeouts.human_intervention).toBe(10); // profile read = 10 s
    expect(b.timeouts.checklist).toBe(15); // profile read = 15 s
  });

  it('a turn with little time left still gives every running agent at least 1 s (the ASL minimum)', () => {
    const b = computeBudget(registry, ['privacy', 'nutrition', 'followup'], 'therapy', now, now + 1500);
    for (const n of ['privacy', 'nutrition', 'followup', 'therapy']) expect(b.timeouts[n]).toBeGreaterThanOrEqual(1);
  });

  it('names every graph agent and responder (the ASL reads $.timeouts.<name> for any that runs)', () => {
    const b = computeBudget(registry, [], 'primary', now, now + 27_000);
    expect(Object.keys(b.timeouts).sort()).toEqual(
      ['accountability', 'checklist', 'followup', 'human_intervention', 'loneliness', 'medication', 'nutrition', 'primary', 'privacy', 'therapy'],
    );
  });

  it('the responder reserve is capped by its own profile', () => {
    const b = computeBudget(registry, ['privacy'], 'therapy', now, now + 200_000);
    expect(b.timeouts.therapy).toBe(30); // default profile read = 30 s
  });
});
