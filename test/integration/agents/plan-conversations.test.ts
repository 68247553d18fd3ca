/**
 * A full conversation per plan through the reference agents and responders: every checkpoint gets asked,
 * answered and completed in order, a completed checkpoint's question is never asked again, extension
 * checkpoints arrive from the generator, and the rolling summary stays bounded and identifier-free.
 */
import { describe, expect, it } from 'vitest';
import { getPlan, listPlanIds } from '../../../functions/core/plans.js';
import type { ResponderName } from '../../../functions/contracts/agent.js';
import { playConversation } from './conversation.js';

const SCRIPTS: Record<string, { responder: ResponderName; turns: string[] }> = {
  daily_checkin: {
    responder: 'primary',
    turns: [
      'Hi! I feel good today, a bit tired though.',
      'I slept about 7 hours, woke up once.',
      'For breakfast I had oatmeal with a banana and coffee, and a chicken salad for lunch.',
      "I'm going to walk to the park tomorrow morning.",
      'I drank 3 glasses of water so far.',
      'Yes, I walked in the garden for a while.',
    ],
  },
  nutrition_coaching: {
    responder: 'primary',
    turns: [
      'For breakfast I had eggs and toast.',
      'Then rice and beans at lunch and pasta for dinner.',
      'Maybe 1.5 liters of water a day.',
      'I will eat more vegetables this week.',
      'I snack on nuts and fruit in the afternoon.',
      'Mostly tea and some juice.',
    ],
  },
  medication_adherence: {
    responder: 'primary',
    turns: [
      'I take metformin 500 mg and lisinopril 10 mg.',
      'Yes, I took them this morning.',
      'No side effects, I feel fine.',
      'I need a refill soon, I will go to the pharmacy on Friday.',
      "I'll set an alarm on my phone every morning.",
    ],
  },
  accountability: {
    responder: 'accountability',
    turns: [
      'I tried to walk every day and managed four days.',
      'The rain made it harder, but my neighbour joined me twice.',
      'I will walk for 20 minutes on Monday, Wednesday and Friday.',
      "I'm pretty confident, maybe an 8.",
      'Remind me to check the weather on Sunday evening.',
    ],
  },
  loneliness_support: {
    responder: 'loneliness',
    turns: [
      'Honestly I feel a bit lonely since I moved.',
      'I called my daughter on Sunday.',
      'I enjoy gardening and reading mystery novels.',
      "I'm going to call my old friend Maria this weekend.",
      'Maybe a gardening club at the library would be nice.',
    ],
  },
  mood_tracking: {
    responder: 'therapy',
    turns: [
      "I'd say a 6 today.",
      'Work has been stressful and I am worried about money.',
      'I will take a long bath tonight and go to bed early.',
    ],
  },
};

describe.each(listPlanIds())('plan %s: a full conversation through the reference agents', (planId) => {
  const script = SCRIPTS[planId];
  it('has a scripted conversation', () => {
    expect(script, `add a script for plan ${planId}`).toBeDefined();
  });
  if (!script) return;
  const plan = getPlan(planId)!;
  const { transcript, checkpoints, summary } = playConversation(plan, script.responder, script.turns);

  it('completes every main checkpoint in order', () => {
    const main = plan.main_task.checkpoints.map((c) => c.checkpoint_id);
    const completed = transcript.map((t) => t.completed).filter((c): c is string => c !== null);
    expect(completed.slice(0, main.length)).toEqual(main);
  });

  it('asks each question before it is answered, and never asks a completed checkpoint again', () => {
    const done = new Set<string>();
    for (const t of transcript) {
      if (t.completed) {
        // The first turn answers the plan's opening question; later ones answer what the reply asked.
        if (t.turn > 1) expect(t.asked_before).toBe(t.completed);
        done.add(t.completed);
      }
      if (t.reply.asks_checkpoint_id) expect(done.has(t.reply.asks_checkpoint_id)).toBe(false);
      const asked = checkpoints.find((c) => c.checkpoint_id === t.reply.asks_checkpoint_id);
      if (asked) expect(t.reply.response).toContain(asked.question);
    }
  });

  it('adds extension checkpoints from the plan as the main ones finish', () => {
    const extensions = plan.extension_checkpoints.map((c) => c.checkpoint_id);
    const added = checkpoints.slice(plan.main_task.checkpoints.length).map((c) => c.checkpoint_id);
    expect(added).toEqual(extensions.slice(0, added.length));
    if (extensions.length > 0) expect(added.length).toBeGreaterThan(0);
  });

  it('never escalates an ordinary check-in, and keeps a bounded summary', () => {
    for (const t of transcript) expect(t.results['human_intervention']!.flags.requires_human).toBe(false);
    expect(summary.length).toBeLessThanOrEqual(1500);
    expect(summary.split('\n')).toHaveLength(script.turns.length);
  });
});
