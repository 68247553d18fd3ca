/**
 * Property through the whole use case (orchestrateTurn + resumeConversation with fakes): whatever the agents
 * say, every committed state is consistent, the response mirrors it, and a paused conversation never runs
 * agents.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTaskStack, currentPosition } from '../../../functions/core/task-stack.js';
import { resumeConversation } from '../../../functions/orchestrate/operator.js';
import type { ScriptedTurn } from '../../support/fakes.js';
import { harness } from './harness.js';

type Action = { kind: 'turn'; verdict: 'right' | 'wrong' | 'none'; complete: boolean; human: boolean; responderFails: boolean } | { kind: 'resume' };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('turn' as const),
      verdict: fc.constantFrom('right' as const, 'right' as const, 'wrong' as const, 'none' as const),
      complete: fc.boolean(),
      human: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      responderFails: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
);

describe('orchestrateTurn keeps every committed state consistent (property)', () => {
  it('for any sequence of agent outputs and operator resumes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('daily_checkin', 'nutrition_coaching', 'medication_adherence', 'loneliness_support', 'accountability'),
        fc.subarray(['privacy', 'nutrition', 'followup', 'medication']),
        fc.array(actionArb, { minLength: 1, maxLength: 25 }),
        async (plan, services, actions) => {
          let current: Action & { kind: 'turn' } = { kind: 'turn', verdict: 'none', complete: false, human: false, responderFails: false };
          const h = harness({ conversation_id: 'p-1', plan, services }, (input): ScriptedTurn => {
            const id = current.verdict === 'right' ? input.checkpoint?.checkpoint_id : current.verdict === 'wrong' ? 'someone_else' : undefined;
            const agents: ScriptedTurn['agents'] = {};
            if (id !== undefined) agents['checklist'] = { flags: { checkpoint_id: id, checkpoint_complete: current.complete } };
            if (current.human) agents['human_intervention'] = { flags: { requires_human: true, severity: 'high' } };
            return current.responderFails ? { agents, responder: { status: 'error' } } : { agents };
          });
          for (const action of actions) {
            const before = h.store.items.get('p-1');
            if (action.kind === 'resume') {
              if (before?.state.is_paused) await resumeConversation(h.deps, 'p-1', { by: 'op', reason: 'checked' });
            } else {
              current = action;
              const runsBefore = h.fanout.runs.length;
              const out = await h.say('some text');
              if (before?.state.is_paused) expect(h.fanout.runs.length).toBe(runsBefore);
              const stored = h.store.items.get('p-1')!;
              expect(out.response.is_paused).toBe(stored.state.is_paused);
              expect(out.response.requires_human).toBe(stored.state.requires_human);
              expect(out.version).toBe(stored.version);
              const ids = stored.state.task_stack.flatMap((t) => t.checkpoints.map((c) => c.checkpoint_id));
              expect(out.response.checkpoints).toEqual(ids);
              for (const t of stored.state.task_stack) for (const c of t.checkpoints) expect(out.response.checkpoint_progress[c.checkpoint_id]).toBe(c.status === 'complete');
              const pos = currentPosition(stored.state);
              if (pos !== null) expect(out.response.task_stack[pos.taskIndex]!.current_checkpoint_id).toBe(pos.checkpoint?.checkpoint_id ?? null);
            }
            const after = h.store.items.get('p-1');
            if (after !== undefined) expect(checkTaskStack(after.state)).toEqual([]);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
