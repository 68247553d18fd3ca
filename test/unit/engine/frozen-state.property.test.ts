/**
 * The warm cache hands out ONE deep-frozen copy of a state without cloning it, and a warm turn skips the
 * second zod pass. That is only safe if the engine never mutates its input. Property: for any sequence of
 * agent outputs, services, escalations and resumes, a conversation served from frozen reads behaves exactly
 * like one served from fresh copies (a mutation would throw a TypeError on the frozen state).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resumeConversation } from '../../../functions/orchestrate/operator.js';
import type { ScriptedTurn } from '../../support/fakes.js';
import { harness } from './harness.js';

type Action =
  | { kind: 'turn'; verdict: 'right' | 'wrong' | 'none'; complete: boolean; human: boolean; services: string[]; detected: string }
  | { kind: 'resume' };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('turn' as const),
      verdict: fc.constantFrom('right' as const, 'right' as const, 'wrong' as const, 'none' as const),
      complete: fc.boolean(),
      human: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      services: fc.subarray(['privacy', 'nutrition', 'followup', 'medication']),
      detected: fc.constantFrom('general', 'general', 'loneliness', 'therapy'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
);

describe('the engine never mutates a state it read (frozen warm-cache reads)', () => {
  it('frozen reads and fresh copies give the same answers and the same stored states', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('daily_checkin', 'nutrition_coaching', 'medication_adherence', 'loneliness_support'),
        fc.array(actionArb, { minLength: 1, maxLength: 20 }),
        async (plan, actions) => {
          const make = () => {
            const ref: { current: Action & { kind: 'turn' } } = {
              current: { kind: 'turn', verdict: 'none', complete: false, human: false, services: [], detected: 'general' },
            };
            const h = harness({ conversation_id: 'f-1', plan }, (input): ScriptedTurn => {
              const c = ref.current;
              const id = c.verdict === 'right' ? input.checkpoint?.checkpoint_id : c.verdict === 'wrong' ? 'someone_else' : undefined;
              const agents: ScriptedTurn['agents'] = {};
              if (id !== undefined) agents['checklist'] = { flags: { checkpoint_id: id, checkpoint_complete: c.complete } };
              if (c.human) agents['human_intervention'] = { flags: { requires_human: true, severity: 'high' } };
              for (const s of c.services) agents[s] = { findings: { seen: true } };
              return { agents };
            });
            return { h, ref };
          };
          const frozen = make();
          frozen.h.store.frozenReads = true;
          const plain = make();
          for (const action of actions) {
            const answers = [];
            for (const { h, ref } of [frozen, plain]) {
              if (action.kind === 'resume') {
                if (h.store.items.get('f-1')?.state.is_paused) await resumeConversation(h.deps, 'f-1', { by: 'op', reason: 'checked' });
                answers.push(null);
              } else {
                ref.current = action;
                const out = await h.say('some text', { services: action.services, detected_agent: action.detected as never });
                answers.push(out.response);
              }
            }
            expect(answers[0]).toEqual(answers[1]);
            expect(frozen.h.store.items.get('f-1')?.state).toEqual(plain.h.store.items.get('f-1')?.state);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
