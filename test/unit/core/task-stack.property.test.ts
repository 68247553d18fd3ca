/**
 * Property: no sequence of turns leaves the task stack or checkpoint statuses inconsistent. Random agent
 * outputs (checklist verdicts true/false on the right, a wrong, or an unknown checkpoint id; failed
 * checklists; human flags), operator resumes, generated checkpoints and services added mid-conversation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentResult } from '../../../functions/contracts/agent.js';
import { buildSupportTasks, listPlanIds, getPlan } from '../../../functions/core/plans.js';
import type { FanoutResult } from '../../../functions/core/ports.js';
import { newConversation, type ConversationState } from '../../../functions/core/state.js';
import {
  addSupportTasks,
  allCheckpointIds,
  beginTurn,
  buildTask,
  checkTaskStack,
  currentPosition,
  mergeGeneratedCheckpoints,
  resumeFromPause,
} from '../../../functions/core/task-stack.js';
import { applyFanoutResult, applyHoldingTurn, type CachedEvaluation } from '../../../functions/core/turn-engine.js';
import { agentOk, makeQuery, MapCache } from '../../support/fakes.js';
import { T0 } from './helpers.js';

type Target = 'current' | 'next' | 'other' | 'unknown';
type Op =
  | { kind: 'turn'; checklist: { target: Target; complete: boolean } | 'failed' | 'absent'; human: boolean }
  | { kind: 'resume' }
  | { kind: 'generate'; ids: number[] }
  | { kind: 'service'; service: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('turn' as const),
      checklist: fc.oneof(
        fc.record({ target: fc.constantFrom<Target>('current', 'current', 'next', 'other', 'unknown'), complete: fc.boolean() }),
        fc.constantFrom('failed' as const, 'absent' as const),
      ),
      human: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'resume' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('generate' as const), ids: fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('service' as const), service: fc.constantFrom('privacy', 'nutrition', 'followup', 'medication', 'history') }) },
);

function targetId(state: ConversationState, target: Target): string {
  const pos = currentPosition(state);
  const ids = allCheckpointIds(state);
  if (target === 'unknown') return 'no_such_checkpoint';
  if (pos === null || pos.checkpoint === null) return ids[0] ?? 'none';
  if (target === 'current') return pos.checkpoint.checkpoint_id;
  const next = pos.task.checkpoints[pos.checkpointIndex + 1]?.checkpoint_id;
  if (target === 'next') return next ?? ids[0]!;
  return ids.find((id) => id !== pos.checkpoint!.checkpoint_id) ?? 'none';
}

function step(state: ConversationState, op: Op, now: number, cache: MapCache<CachedEvaluation>): ConversationState {
  switch (op.kind) {
    case 'resume':
      return state.is_paused ? resumeFromPause(state, { by: 'op', at: new Date(now).toISOString(), reason: 'ok' }) : state;
    case 'generate': {
      const pos = currentPosition(state);
      if (pos === null) return state;
      const defs = op.ids.map((i) => ({ checkpoint_id: `gen_${i}`, description: 'd', question: 'q', criteria: { min_words: 1 } }));
      return mergeGeneratedCheckpoints(state, pos.task.task_id, defs) ?? state;
    }
    case 'service':
      return addSupportTasks({ ...state, services: [...new Set([...state.services, op.service])] }, buildSupportTasks([op.service]));
    case 'turn': {
      const query = makeQuery({ text: `turn at ${now}` });
      const began = beginTurn(state);
      if (began.is_paused) return applyHoldingTurn(began, { query, now }).state;
      const agents: Record<string, AgentResult> = {};
      if (op.checklist === 'failed') agents['checklist'] = { agent: 'checklist', status: 'error', latency_ms: 1 };
      else if (op.checklist !== 'absent') {
        const id = targetId(began, op.checklist.target);
        agents['checklist'] = { agent: 'checklist', status: 'ok', latency_ms: 1, output: agentOk('checklist', { flags: { checkpoint_id: id, checkpoint_complete: op.checklist.complete } }) };
      }
      if (op.human) {
        agents['human_intervention'] = { agent: 'human_intervention', status: 'ok', latency_ms: 1, output: agentOk('human_intervention', { flags: { requires_human: true, severity: 'high' } }) };
      }
      const fanout: FanoutResult = {
        agents,
        responder: { name: 'primary', status: 'ok', latency_ms: 1, output: { responder: 'primary', response: 'ok', is_enriched: false, asks_checkpoint_id: null } },
        duration_ms: 1,
      };
      return applyFanoutResult(began, { query, fanout, now, cache }).state;
    }
  }
}

function initial(planId: string, services: string[]): ConversationState {
  const plan = getPlan(planId)!;
  const main = buildTask({ ...plan.main_task, kind: 'main' }, 'plan');
  return addSupportTasks(newConversation(makeQuery({ plan: planId, services }), [main], T0), buildSupportTasks(services));
}

describe('task stack consistency (property)', () => {
  it('holds after every step of any sequence of turns, resumes, generations and added services', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...listPlanIds()),
        fc.subarray(['privacy', 'nutrition', 'followup', 'medication']),
        fc.array(opArb, { minLength: 1, maxLength: 40 }),
        (planId, services, ops) => {
          const cache = new MapCache<CachedEvaluation>();
          let state = initial(planId, services);
          let now = T0;
          let completed = new Set<string>();
          for (const op of ops) {
            now += 20_000;
            const before = state;
            const frozen = structuredClone(before);
            state = step(state, op, now, cache);
            expect(before).toEqual(frozen); // inputs never mutated
            const violations = checkTaskStack(state);
            expect(violations, JSON.stringify({ op, stack: state.task_stack.map((t) => [t.status, t.checkpoints.map((c) => c.status)]) })).toEqual([]);
            // a completed checkpoint never reverts, and a paused conversation never advances
            const nowComplete = new Set(state.task_stack.flatMap((t) => t.checkpoints.filter((c) => c.status === 'complete').map((c) => c.checkpoint_id)));
            for (const id of completed) expect(nowComplete.has(id)).toBe(true);
            if (before.is_paused && op.kind === 'turn') expect(nowComplete.size).toBe(completed.size);
            // only the checkpoint the checklist named as complete (and that was current) can complete
            const newly = [...nowComplete].filter((id) => !completed.has(id));
            if (op.kind !== 'turn' || typeof op.checklist !== 'object' || !op.checklist.complete) expect(newly).toEqual([]);
            else expect(newly.length).toBeLessThanOrEqual(1);
            if (newly.length === 1 && op.kind === 'turn' && typeof op.checklist === 'object') {
              expect(newly[0]).toBe(currentPosition(beginTurn(before))?.checkpoint?.checkpoint_id);
              expect(op.checklist.target === 'current' || newly[0] === targetId(beginTurn(before), op.checklist.target)).toBe(true);
            }
            completed = nowComplete;
            expect(state.requires_human).toBe(state.is_paused);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
