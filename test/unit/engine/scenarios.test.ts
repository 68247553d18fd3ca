/**
 * Scripted multi-turn conversations, one per plan, through the turn use case with in-memory fakes: the
 * checkpoint progression turn by turn, the task stack, routing, and a conversation that escalates to a
 * human, stays paused (no agents run) and resumes.
 */
import { describe, expect, it } from 'vitest';
import { guidanceFor } from '../../../functions/core/safety/guidance.js';

/** An agent escalation with a label that is not a crisis category gets the generic configured guidance. */
const HOLDING_REPLY = guidanceFor('unspecified', null, 'en').text;
import { inspectConversation, resumeConversation } from '../../../functions/orchestrate/operator.js';
import { checklist, humanFlag } from '../../support/fakes.js';
import { done, harness, stack } from './harness.js';

describe('daily_checkin with privacy support (general → primary, enriched)', () => {
  it('walks the main task, then the privacy checklist, turn by turn', async () => {
    const h = harness({ conversation_id: 'daily-1', plan: 'daily_checkin', services: ['privacy'] }, [
      { agents: { checklist: checklist('checkin_mood', true), privacy: { redacted_text: 'I feel good' } } },
      { agents: { checklist: checklist('checkin_sleep', false) } },
      { agents: { checklist: checklist('checkin_sleep', true) } },
      { agents: { checklist: checklist('checkin_meals', true) } },
      { agents: { checklist: checklist('checkin_plan', true) } },
      { agents: { checklist: checklist('privacy_consent', true) } },
    ]);

    const t1 = await h.say('I feel good');
    expect(t1.response.response).toBe('reply 1 from primary');
    expect(t1.responder).toBe('primary');
    expect(t1.response.is_enriched).toBe(true);
    expect(t1.response.checkpoints).toEqual(['checkin_mood', 'checkin_sleep', 'checkin_meals', 'checkin_plan', 'privacy_consent', 'privacy_identifiers_checked']);
    expect(stack(t1)).toEqual([
      ['daily_checkin_main:active', 'checkin_mood:complete', 'checkin_sleep:pending', 'checkin_meals:pending', 'checkin_plan:pending'],
      ['support_privacy:active', 'privacy_consent:pending', 'privacy_identifiers_checked:pending'],
    ]);
    // the agents saw the first checkpoint in progress
    expect(h.fanout.runs[0]!.input.checkpoint).toMatchObject({ checkpoint_id: 'checkin_mood', status: 'in_progress' });
    expect(h.fanout.runs[0]!.responder).toBe('primary');

    const t2 = await h.say('I slept badly');
    expect(done(t2)).toEqual(['checkin_mood']);
    expect(t2.response.task_stack[0]!.current_checkpoint_id).toBe('checkin_sleep');
    expect(stack(t2)[0]![2]).toBe('checkin_sleep:in_progress');

    const t3 = await h.say('About seven hours of sleep');
    expect(done(t3)).toEqual(['checkin_mood', 'checkin_sleep']);
    const t4 = await h.say('Porridge and an apple');
    expect(done(t4)).toEqual(['checkin_mood', 'checkin_sleep', 'checkin_meals']);

    const t5 = await h.say('I will walk to the shop');
    expect(stack(t5)).toEqual([
      ['daily_checkin_main:complete', 'checkin_mood:complete', 'checkin_sleep:complete', 'checkin_meals:complete', 'checkin_plan:complete'],
      ['support_privacy:active', 'privacy_consent:pending', 'privacy_identifiers_checked:pending'],
    ]);
    // the next turn works on the support task
    const t6 = await h.say('Yes that is fine');
    expect(h.fanout.runs[5]!.input.task).toMatchObject({ task_id: 'support_privacy', kind: 'support', service: 'privacy' });
    expect(done(t6)).toContain('privacy_consent');
    expect(t6.response.task_stack[1]!.current_checkpoint_id).toBe('privacy_identifiers_checked');

    // committed state, turn records, context from the privacy redaction
    const stored = h.store.items.get('daily-1')!;
    expect(stored.version).toBe(6);
    expect(stored.state.turn_count).toBe(6);
    expect(stored.state.context.recent[0]).toEqual({ turn: 1, user: 'I feel good', reply: 'reply 1 from primary' });
    expect(h.store.turns.get('daily-1')!.map((t) => t.turn)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(h.dispatcher.generations.at(-1)).toMatchObject({ task_id: 'support_privacy', based_on_version: 6, completed_checkpoint_ids: expect.arrayContaining(['checkin_plan', 'privacy_consent']) });
  });
});

describe('nutrition_coaching with the nutrition service', () => {
  it('selects nutrition with its dependencies, ignores a verdict on the wrong checkpoint, adds the nutrition checklist', async () => {
    const h = harness({ conversation_id: 'nutri-1', plan: 'nutrition_coaching', services: ['nutrition'] }, [
      { agents: { checklist: checklist('nutri_foods', true), nutrition: { findings: { meals: ['porridge'] } }, privacy: {}, followup: {} } },
      { agents: { checklist: checklist('nutri_breakfast', true), nutrition: { findings: { meals: ['porridge'] } } } },
      { agents: { checklist: checklist('nutri_foods', true), nutrition: { findings: { foods: ['soup'] } } } },
      { agents: { checklist: checklist('nutri_hydration', true), nutrition: { findings: { water_ml: 1500 } } } },
    ]);
    const t1 = await h.say('Porridge for breakfast');
    // the checklist is added to judge the checkpoints, and followup because an open checkpoint (nutri_goal)
    // collects a commitment — any open checkpoint may be answered this turn; nutrition was requested anyway
    expect(h.fanout.selects[0]).toEqual(['nutrition', 'checklist', 'followup']);
    expect(Object.keys(t1.response.sync_agent_results).sort()).toEqual(['checklist', 'followup', 'human_intervention', 'nutrition', 'privacy']);
    expect(t1.response.sync_agent_results['nutrition']![0]).toMatchObject({ agent: 'nutrition', status: 'ok' });
    expect(t1.response.sync_agent_results['human_intervention']![0]!.status).toBe('skipped');
    expect(done(t1)).toEqual([]); // checklist named nutri_foods, the current one is nutri_breakfast
    expect(stack(t1)[1]).toEqual(['support_nutrition:active', 'support_nutrition_meal_logged:pending', 'support_nutrition_water_logged:pending']);

    const t2 = await h.say('Porridge for breakfast, really');
    expect(done(t2)).toEqual(['nutri_breakfast']);
    const t3 = await h.say('Soup for lunch');
    expect(done(t3)).toEqual(['nutri_breakfast', 'nutri_foods']);
    const t4 = await h.say('About six glasses of water');
    expect(done(t4)).toEqual(['nutri_breakfast', 'nutri_foods', 'nutri_hydration']);
    expect(t4.response.task_stack[0]!.current_checkpoint_id).toBe('nutri_goal');
    expect(t4.response.async_agent_results).toEqual({ history: { status: 'scheduled' } });
    expect(h.dispatcher.asyncRuns.map((r) => r.agent)).toEqual(['history', 'history', 'history', 'history']);
    expect(h.fanout.recorded).toHaveLength(4);
  });
});

describe('medication_adherence: degraded turns never fail', () => {
  it('checklist error, responder timeout and a failing dispatcher leave progress as it was and still commit', async () => {
    const h = harness({ conversation_id: 'meds-1', plan: 'medication_adherence', services: ['medication'] }, [
      { agents: { checklist: checklist('meds_list', true), medication: { findings: { medications: ['metformin'] } } } },
      { agents: { checklist: { status: 'error' }, medication: { findings: { adherence: 'taken' } } } },
      { agents: { checklist: checklist('meds_taken', true) }, responder: { status: 'timeout' } },
      { agents: { checklist: checklist('meds_side_effects', true) } },
    ]);
    const t1 = await h.say('I take metformin');
    expect(done(t1)).toEqual(['meds_list']);
    const t2 = await h.say('Yes I took it this morning');
    expect(done(t2)).toEqual(['meds_list']);
    expect(t2.response.sync_agent_results['checklist']![0]!.status).toBe('error');
    const t3 = await h.say('Yes I took it this morning, honestly');
    expect(done(t3)).toEqual(['meds_list', 'meds_taken']);
    expect(t3.response.response).toMatch(/couldn't put my thoughts together/);
    expect(t3.response.is_enriched).toBe(false);
    h.dispatcher.fail = true;
    const t4 = await h.say('No side effects');
    expect(done(t4)).toEqual(['meds_list', 'meds_taken', 'meds_side_effects']);
    expect(t4.response.async_agent_results).toEqual({ history: { status: 'not_scheduled' } });
    expect(h.warnings.map((w) => w.message).sort()).toEqual(['async agent not dispatched', 'checkpoint generation not dispatched']);
    expect(JSON.stringify(h.warnings)).not.toContain('side effects'); // no user text in logs
    expect(h.store.items.get('meds-1')!.version).toBe(4);
    expect(stack(t4)[1]).toEqual(['support_medication:active', 'support_medication_reviewed:pending', 'support_medication_adherence:pending']);
  });
});

describe('loneliness_support: routed to the specialist, escalates, stays paused, resumes', () => {
  it('pauses on the human flag, holds without running agents, and continues after an operator resume', async () => {
    const h = harness({ conversation_id: 'lonely-1', plan: 'loneliness_support', detected_agent: 'loneliness' }, [
      { agents: { checklist: checklist('lonely_feelings', true) } },
      { agents: { checklist: checklist('lonely_contacts', false), human_intervention: humanFlag('high', 'hopelessness') } },
      { agents: { checklist: checklist('lonely_contacts', true) } },
    ]);
    const t1 = await h.say('I feel quite alone these days');
    expect(t1.responder).toBe('loneliness');
    expect(h.fanout.runs[0]!.responder).toBe('loneliness');
    expect(t1.response.response).toBe('reply 1 from loneliness');
    expect(t1.response.is_enriched).toBe(false);
    expect(done(t1)).toEqual(['lonely_feelings']);

    const t2 = await h.say('Nobody calls. What is the point.');
    expect(t2.response).toMatchObject({ requires_human: true, is_paused: true, response: HOLDING_REPLY, is_enriched: false });
    expect(stack(t2)[0]).toEqual(['loneliness_support_main:paused', 'lonely_feelings:complete', 'lonely_contacts:paused', 'lonely_activity:pending', 'lonely_next_step:pending']);
    const generationsAtPause = h.dispatcher.generations.length;

    for (let i = 0; i < 2; i++) {
      const held = await h.say('Hello? Are you there?');
      expect(held.response).toMatchObject({ requires_human: true, is_paused: true, response: HOLDING_REPLY, sync_agent_results: {}, async_agent_results: {} });
      expect(stack(held)).toEqual(stack(t2));
    }
    expect(h.fanout.runs).toHaveLength(2); // fanout not called while paused
    expect(h.fanout.selects).toHaveLength(2);
    expect(h.dispatcher.generations).toHaveLength(generationsAtPause);
    expect(h.store.items.get('lonely-1')!.state.turn_count).toBe(4);

    const inspected = await inspectConversation(h.deps, 'lonely-1');
    expect(inspected).toMatchObject({ is_paused: true, requires_human: true, turn_count: 4, version: 4, current: { task_id: 'loneliness_support_main', checkpoint_id: 'lonely_contacts' } });
    expect(inspected.pause_log).toEqual([{ action: 'pause', by: 'agent:human_intervention', at: '2026-11-23T09:01:00.000Z', reason: 'high: hopelessness' }]);

    h.clock.advance(60_000);
    const resumed = await resumeConversation(h.deps, 'lonely-1', { by: 'nurse-7', reason: 'called the person, safe' });
    expect(resumed).toMatchObject({ is_paused: false, requires_human: false, version: 5 });
    expect(resumed.pause_log[1]).toEqual({ action: 'resume', by: 'nurse-7', at: '2026-11-23T09:03:00.000Z', reason: 'called the person, safe' });
    expect(resumed.task_stack[0]!.checkpoints[1]).toMatchObject({ checkpoint_id: 'lonely_contacts', status: 'in_progress' });

    const t5 = await h.say('My daughter phoned me after all');
    expect(t5.response).toMatchObject({ requires_human: false, is_paused: false, response: 'reply 3 from loneliness' });
    expect(done(t5)).toEqual(['lonely_feelings', 'lonely_contacts']);
    expect(h.fanout.runs).toHaveLength(3);
    expect(h.fanout.runs[2]!.input.checkpoint).toMatchObject({ checkpoint_id: 'lonely_contacts', status: 'in_progress' });
  });
});

describe('accountability: to the end of the last task', () => {
  it('completes every checkpoint; after the last one nothing is current and no generation is requested', async () => {
    const ids = ['acct_review', 'acct_obstacles', 'acct_commitment', 'acct_confidence', 'support_followup_commitment'];
    const h = harness(
      { conversation_id: 'acct-1', plan: 'accountability', detected_agent: 'accountability', services: ['followup'] },
      ids.map((id) => ({ agents: { checklist: checklist(id, true), followup: { findings: { commitments: ['walk'] } } } })),
    );
    for (const [i, id] of ids.entries()) {
      const t = await h.say(`turn ${i}`);
      expect(t.responder).toBe('accountability');
      expect(done(t)).toEqual(ids.slice(0, i + 1));
      expect(h.fanout.runs[i]!.input.checkpoint?.checkpoint_id).toBe(id);
    }
    expect(h.dispatcher.generations).toHaveLength(ids.length - 1);
    const after = await h.say('thanks, bye');
    expect(after.response.task_stack.map((t) => t.status)).toEqual(['complete', 'complete']);
    expect(after.response.task_stack.every((t) => t.current_checkpoint_id === null)).toBe(true);
    expect(h.fanout.runs[ids.length]!.input).toMatchObject({ task: null, checkpoint: null, task_checkpoints: [] });
    expect(h.dispatcher.generations).toHaveLength(ids.length - 1);
    expect(Object.values(after.response.checkpoint_progress).every(Boolean)).toBe(true);
  });
});

describe('mood_tracking: therapy specialist, services added mid-conversation', () => {
  it('routes to therapy and adds a support task when a service is first named on a later turn', async () => {
    const h = harness({ conversation_id: 'mood-1', plan: 'mood_tracking', detected_agent: 'therapy' }, [
      { agents: { checklist: checklist('mood_rating', true) } },
      { agents: { checklist: checklist('mood_stressors', true) } },
    ]);
    const t1 = await h.say('About a 6 today');
    expect(t1.responder).toBe('therapy');
    expect(t1.response.task_stack).toHaveLength(1);
    const t2 = await h.say('Work has been hard lately', { services: ['followup'] });
    expect(t2.response.task_stack.map((t) => t.task_id)).toEqual(['mood_tracking_main', 'support_followup']);
    expect(done(t2)).toEqual(['mood_rating', 'mood_stressors']);
    expect(h.store.items.get('mood-1')!.state.services).toEqual(['followup']);
  });
});
