/**
 * The plan catalog against the real reference agents (functions/agents) and the real agent registry
 * (config/agents.json), run in-process level by level as the workflow would: for every plan, a realistic
 * conversation completes every main-task checkpoint in order. Proves the catalog's criteria are ones the
 * checklist agent can actually satisfy with the findings the reference agents emit.
 */
import { describe, expect, it } from 'vitest';
import { selectableServices } from '../../../functions/core/agent-graph.js';
import { getPlan } from '../../../functions/core/plans.js';
import { ReferenceFanout, referenceRegistry } from '../../support/reference-fanout.js';
import { done, harness } from './harness.js';

const registry = referenceRegistry;

// One answer per main-task checkpoint, in order, as a person might give it.
const CONVERSATIONS: Record<string, { detected: string; answers: string[] }> = {
  daily_checkin: {
    detected: 'general',
    answers: ['I feel pretty good today', 'I slept about seven hours last night', 'I had oatmeal and a banana for breakfast', 'I will go for a walk this afternoon'],
  },
  nutrition_coaching: {
    detected: 'general',
    answers: ['For breakfast I had toast and eggs', 'Soup and a sandwich for lunch, then pasta', 'I drink about 1.5 litres of water a day', 'I will eat more vegetables this week'],
  },
  medication_adherence: {
    detected: 'general',
    answers: ['I take metformin and lisinopril', 'Yes, I took my metformin this morning', 'No side effects, I feel fine', 'I have plenty left, the refill is next month'],
  },
  loneliness_support: {
    detected: 'loneliness',
    answers: ['I feel a bit lonely since my husband died', 'My daughter called me on Sunday', 'I love gardening and baking bread', 'I will call my neighbour tomorrow'],
  },
  accountability: {
    detected: 'accountability',
    answers: ['I did my walks three times last week', 'The rain made it harder but my friend helped', 'I will walk every morning before breakfast this week', 'I am confident, about 8'],
  },
  mood_tracking: {
    detected: 'therapy',
    answers: ['About a 6 today', 'Work has been stressful and I worry about money', 'I will take a bath and read tonight'],
  },
};

describe('plan catalog × reference agents', () => {
  it.each(Object.entries(CONVERSATIONS))('%s: every main-task checkpoint completes in order', async (plan, { detected, answers }) => {
    const h = harness({ conversation_id: `ref-${plan}`, plan, detected_agent: detected, services: [] });
    const fanout = new ReferenceFanout();
    h.deps.fanout = fanout;
    h.deps.selectableServices = selectableServices(registry);
    const ids = getPlan(plan)!.main_task.checkpoints.map((c) => c.checkpoint_id);
    expect(answers).toHaveLength(ids.length);
    for (const [i, text] of answers.entries()) {
      const out = await h.say(text);
      expect(done(out), `after "${text}" (checklist: ${JSON.stringify(out.response.sync_agent_results['checklist']?.[0]?.output?.findings)})`).toEqual(ids.slice(0, i + 1));
      expect(out.responder).toBe(detected === 'general' ? 'primary' : detected);
      expect(out.response.requires_human).toBe(false);
    }
    expect(fanout.ran.every((r) => r.includes('checklist'))).toBe(true);
  });

  it('support tasks added by services complete too, after the main task', async () => {
    const services = ['privacy', 'nutrition', 'followup', 'medication'];
    const h = harness({ conversation_id: 'ref-support', plan: 'daily_checkin', services });
    h.deps.fanout = new ReferenceFanout();
    h.deps.selectableServices = selectableServices(registry);
    const answers = [
      ...CONVERSATIONS['daily_checkin']!.answers,
      'Yes, that is fine with me',
      'Nothing in particular, go ahead',
      'Dinner was fish and rice',
      'I drank two glasses of water',
      'Please remind me that I will call my sister tomorrow',
      'I take aspirin every day',
      'Yes, I took my aspirin this morning',
    ];
    let out;
    for (const text of answers) out = await h.say(text);
    const incomplete = Object.entries(out!.response.checkpoint_progress).filter(([, v]) => !v).map(([k]) => k);
    expect(incomplete).toEqual([]);
    expect(out!.response.task_stack.map((t) => `${t.task_id}:${t.status}`)).toEqual([
      'daily_checkin_main:complete',
      'support_privacy:complete',
      'support_nutrition:complete',
      'support_followup:complete',
      'support_medication:complete',
    ]);
  });

  it('a crisis message is escalated by the reference human_intervention agent and held', async () => {
    const h = harness({ conversation_id: 'ref-crisis', plan: 'loneliness_support', detected_agent: 'loneliness' });
    h.deps.fanout = new ReferenceFanout();
    const out = await h.say('I want to end my life, I have pills saved up');
    expect(out.response).toMatchObject({ requires_human: true, is_paused: true });
    expect(h.store.items.get('ref-crisis')!.state.pause_log[0]).toMatchObject({ action: 'pause', by: 'agent:human_intervention' });
  });
});
