import { describe, expect, it } from 'vitest';
import { generate, type GeneratorPlan } from '../../../functions/agents/checkpoint-generator.js';
import { getPlan, listPlanIds } from '../../../functions/core/plans.js';
import {
  CheckpointGenerationOutputSchema,
  CheckpointGenerationRequestSchema,
  type CheckpointGenerationRequest,
  type GeneratedCheckpoint,
} from '../../../functions/contracts/agent.js';

const cp = (id: string): GeneratedCheckpoint => ({ checkpoint_id: id, description: `d ${id}`, question: `q ${id}?`, criteria: { keywords_any: [id] } });
const PLAN: GeneratorPlan = {
  plan_id: 'test_plan',
  main_task: { task_id: 'main', checkpoints: [cp('m1'), cp('m2'), cp('m3')] },
  extension_checkpoints: [cp('e1'), cp('e2'), cp('e3'), cp('m2')],
};

function request(completed: string[], task_id = 'main'): CheckpointGenerationRequest {
  return CheckpointGenerationRequestSchema.parse({
    contract_version: 1,
    conversation_id: 'conv-1',
    plan: 'test_plan',
    task_id,
    based_on_version: 3,
    completed_checkpoint_ids: completed,
    context_summary: 'T1: meals: breakfast (oatmeal)',
    detected_agent: 'general',
  });
}

type Case = { name: string; completed: string[]; task_id?: string; options?: Parameters<typeof generate>[2]; ids: string[] };

const cases: Case[] = [
  { name: 'nothing completed: main checkpoints come first', completed: [], ids: [] },
  { name: 'two main checkpoints left open: proposes the first two extensions', completed: ['m1'], ids: ['e1', 'e2'] },
  { name: 'one main checkpoint left open', completed: ['m1', 'm2'], ids: ['e1', 'e2'] },
  { name: 'all main done', completed: ['m1', 'm2', 'm3'], ids: ['e1', 'e2'] },
  { name: 'skips completed extension ids', completed: ['m1', 'm2', 'm3', 'e1'], ids: ['e2', 'e3'] },
  { name: 'skips ids already present in the task', completed: ['m1', 'm2', 'm3'], options: { existingCheckpointIds: ['e1'] }, ids: ['e2', 'e3'] },
  { name: 'open proposals count toward the pace', completed: ['m1', 'm2'], options: { existingCheckpointIds: ['e1', 'e2'] }, ids: [] },
  { name: 'existing ids that are complete do not block', completed: ['m1', 'm2', 'm3', 'e1'], options: { existingCheckpointIds: ['e1'] }, ids: ['e2', 'e3'] },
  { name: 'an extension that duplicates a main id is never proposed', completed: ['m1', 'm2', 'm3', 'e1', 'e2', 'e3'], ids: [] },
  { name: 'max limits the proposals', completed: ['m1', 'm2', 'm3'], options: { max: 1 }, ids: ['e1'] },
  { name: 'max 0 proposes nothing', completed: ['m1', 'm2', 'm3'], options: { max: 0 }, ids: [] },
  { name: 'larger lookahead proposes earlier', completed: [], options: { lookahead: 3 }, ids: ['e1', 'e2'] },
  { name: 'smaller lookahead proposes later', completed: ['m1'], options: { lookahead: 1 }, ids: [] },
  { name: 'another task (support) gets no proposals', completed: ['m1', 'm2', 'm3'], task_id: 'support_privacy', ids: [] },
  { name: 'unknown completed ids are harmless', completed: ['zzz', 'm1', 'm2', 'm3'], ids: ['e1', 'e2'] },
];

describe('checkpoint generator', () => {
  it.each(cases)('$name', ({ completed, task_id, options, ids }) => {
    const out = generate(request(completed, task_id), PLAN, options);
    expect(CheckpointGenerationOutputSchema.parse(out)).toEqual(out);
    expect(out.task_id).toBe(task_id ?? 'main');
    expect(out.checkpoints.map((c) => c.checkpoint_id)).toEqual(ids);
  });

  it('returns copies: mutating a proposal never changes the plan', () => {
    const out = generate(request(['m1', 'm2', 'm3']), PLAN);
    (out.checkpoints[0]!.criteria.keywords_any as string[]).push('mutated');
    expect(PLAN.extension_checkpoints[0]!.criteria.keywords_any).toEqual(['e1']);
  });

  it.each(listPlanIds())('catalog plan %s: proposals are valid, new, and come from its extension pool', (planId) => {
    const plan = getPlan(planId)!;
    const main = plan.main_task.checkpoints.map((c) => c.checkpoint_id);
    const out = generate({ ...request(main, plan.main_task.task_id), plan: planId }, plan);
    expect(CheckpointGenerationOutputSchema.safeParse(out).success).toBe(true);
    const pool = new Set(plan.extension_checkpoints.map((c) => c.checkpoint_id));
    for (const c of out.checkpoints) {
      expect(pool.has(c.checkpoint_id)).toBe(true);
      expect(main).not.toContain(c.checkpoint_id);
    }
    expect(out.checkpoints.length).toBe(Math.min(2, plan.extension_checkpoints.length));
  });
});
