import { describe, expect, it } from 'vitest';
import { CompletionCriteriaSchema } from '../../../functions/contracts/agent.js';
import { SlotSpecSchema } from '../../../functions/contracts/slots.js';
import { PlanCatalogError, UnknownPlanError } from '../../../functions/core/errors.js';
import {
  buildSupportTasks,
  getPlan,
  getSupportTask,
  listPlanIds,
  listSupportServices,
  loadCatalog,
  PlanCatalogCheckpointSource,
} from '../../../functions/core/plans.js';

// Finding keys the reference agents emit (issue 5); plan criteria may only rely on these.
const AGENT_FINDINGS: Record<string, string[]> = {
  nutrition: ['meals', 'foods', 'drinks', 'water_ml'],
  medication: ['medications', 'adherence', 'side_effects'],
  followup: ['commitments', 'revisit'],
  privacy: ['entities'],
};

describe('plan catalog', () => {
  it('has the health-companion plans', () => {
    expect(listPlanIds()).toEqual(
      expect.arrayContaining(['daily_checkin', 'nutrition_coaching', 'medication_adherence', 'loneliness_support', 'accountability']),
    );
    expect(listPlanIds().length).toBeGreaterThanOrEqual(5);
  });

  it('has support tasks for privacy, nutrition, followup and medication', () => {
    expect(listSupportServices()).toEqual(['followup', 'medication', 'nutrition', 'privacy']);
    expect(getSupportTask('history')).toBeUndefined();
  });

  const everyCheckpoint = () => [
    ...listPlanIds().flatMap((id) => [...getPlan(id)!.main_task.checkpoints, ...getPlan(id)!.extension_checkpoints]),
    ...listSupportServices().flatMap((s) => getSupportTask(s)!.checkpoints),
  ];

  it('every checkpoint has a typed slot, a description, and its question and rephrase in English and Spanish', () => {
    for (const cp of everyCheckpoint()) {
      expect(SlotSpecSchema.safeParse(cp.slot).success, cp.checkpoint_id).toBe(true);
      expect(cp.description.length, cp.checkpoint_id).toBeGreaterThan(3);
      expect(cp.question, cp.checkpoint_id).toBe(cp.questions?.en);
      for (const lang of ['en', 'es'] as const) {
        expect(cp.questions?.[lang]?.length ?? 0, `${cp.checkpoint_id} ${lang}`).toBeGreaterThan(3);
        expect(cp.rephrase?.[lang]?.length ?? 0, `${cp.checkpoint_id} ${lang} rephrase`).toBeGreaterThan(3);
        // The second attempt is worded differently (a question is never repeated verbatim).
        expect(cp.rephrase?.[lang], cp.checkpoint_id).not.toBe(cp.questions?.[lang]);
      }
      // The legacy criteria a team's checklist may still judge by name a finding the reference agents emit.
      expect(CompletionCriteriaSchema.safeParse(cp.criteria).success, cp.checkpoint_id).toBe(true);
      const f = cp.criteria.agent_finding;
      if (f) expect(AGENT_FINDINGS[f.agent], `${cp.checkpoint_id}: ${f.agent}.${f.key}`).toContain(f.key);
    }
  });

  it('a plan file without a language its checkpoints need is rejected, naming the checkpoint', () => {
    const bad = {
      plan_id: 'p',
      name: 'n',
      description: 'd',
      languages: ['en', 'es'],
      main_task: { task_id: 'p_main', name: 'm', checkpoints: [{ checkpoint_id: 'a', description: 'd', slot: { type: 'mood' }, question: { en: 'How are you?' } }] },
      extension_checkpoints: [],
    };
    expect(() => loadCatalog({ p: bad }, {})).toThrow(/'a' has no 'es' question/);
    expect(() => loadCatalog({ p: { ...bad, main_task: { ...bad.main_task, checkpoints: [{ ...bad.main_task.checkpoints[0]!, slot: { type: 'weather' } }] } } }, {})).toThrow(PlanCatalogError);
  });

  it('checkpoint ids are unique across the whole catalog', () => {
    const ids = everyCheckpoint().map((c) => c.checkpoint_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('each main task has ordered checkpoints (at least three)', () => {
    for (const id of listPlanIds()) expect(getPlan(id)!.main_task.checkpoints.length).toBeGreaterThanOrEqual(3);
  });

  it('support tasks are built in request order, skipping services without one', () => {
    const tasks = buildSupportTasks(['nutrition', 'history', 'privacy']);
    expect(tasks.map((t) => [t.task_id, t.kind, t.service, t.status])).toEqual([
      ['support_nutrition', 'support', 'nutrition', 'active'],
      ['support_privacy', 'support', 'privacy', 'active'],
    ]);
    expect(buildSupportTasks([])).toEqual([]);
  });
});

describe('loadCatalog validation', () => {
  const plan = (id: string, cps: string[]) => ({
    plan_id: id,
    name: 'n',
    description: 'd',
    languages: ['en'],
    main_task: { task_id: `${id}_main`, name: 'm', checkpoints: cps.map((c) => ({ checkpoint_id: c, description: 'd', slot: { type: 'free_text' }, question: { en: 'q' } })) },
    extension_checkpoints: [],
  });
  it('accepts a good catalog', () => {
    expect(loadCatalog({ p: plan('p', ['a']) }, {}).plans.get('p')?.name).toBe('n');
  });
  it('rejects a plan_id that does not match its file', () => {
    expect(() => loadCatalog({ q: plan('p', ['a']) }, {})).toThrow(/does not match the file name/);
  });
  it('rejects duplicate checkpoint ids, also against support tasks', () => {
    expect(() => loadCatalog({ p: plan('p', ['a', 'a']) }, {})).toThrow(PlanCatalogError);
    const support = { privacy: { task_id: 's', name: 's', checkpoints: [{ checkpoint_id: 'a', description: 'd', slot: { type: 'yes_no' }, question: { en: 'q' } }] } };
    expect(() => loadCatalog({ p: plan('p', ['a']) }, support)).toThrow(/not unique/);
  });
  it('rejects a schema violation naming the file', () => {
    expect(() => loadCatalog({ p: { ...plan('p', ['a']), extra: 1 } }, {})).toThrow(/p\.json/);
    expect(() => loadCatalog({ p: plan('p', []) }, {})).toThrow(PlanCatalogError);
  });
});

describe('PlanCatalogCheckpointSource', () => {
  it('returns the main task checkpoints in order, as copies', async () => {
    const source = new PlanCatalogCheckpointSource();
    const cps = await source.initial({ plan: 'medication_adherence', conversation_id: 'c', task_id: 'medication_adherence_main' });
    expect(cps.map((c) => c.checkpoint_id)).toEqual(['meds_list', 'meds_taken', 'meds_side_effects', 'meds_refill']);
    cps[0]!.criteria.min_words = 99;
    cps[0]!.questions!.en = 'changed';
    expect(getPlan('medication_adherence')!.main_task.checkpoints[0]!.criteria.min_words).toBeUndefined();
    expect(getPlan('medication_adherence')!.main_task.checkpoints[0]!.questions!.en).not.toBe('changed');
  });
  it('an unknown plan is an UnknownPlanError listing the plans', async () => {
    await expect(new PlanCatalogCheckpointSource().initial({ plan: 'nope', conversation_id: 'c', task_id: 't' })).rejects.toThrow(UnknownPlanError);
  });
});
