import { describe, expect, it } from 'vitest';
import { respond } from '../../../functions/agents/primary.js';
import { secondPerson } from '../../../functions/agents/responder-kit.js';
import type { CheckpointRef } from '../../../functions/contracts/agent.js';
import { getPlan } from '../../../functions/core/plans.js';
import { longText, responderRequest, runAgents } from './requests.js';

// The daily check-in's real checkpoints (typed slots, questions in English and Spanish).
const plan = getPlan('daily_checkin')!;
const ref = (id: string, status = 'pending', extra: Partial<CheckpointRef> = {}): CheckpointRef => {
  const cp = [...plan.main_task.checkpoints, ...plan.extension_checkpoints].find((c) => c.checkpoint_id === id)!;
  return { ...cp, status, ...extra };
};
const mood = ref('checkin_mood', 'in_progress');
const sleep = ref('checkin_sleep');
const meals = ref('checkin_meals');
const planCp = ref('checkin_plan');
const TASK = [mood, sleep, meals, planCp];
const done = (c: CheckpointRef): CheckpointRef => ({ ...c, status: 'complete' });
const current = (c: CheckpointRef): CheckpointRef => ({ ...c, status: 'in_progress' });

function reply(text: string, cur: CheckpointRef | null, task: CheckpointRef[] = TASK, turn = 2, extra: { language?: 'en' | 'es'; resumed?: boolean } = {}) {
  const opts = { checkpoint: cur, task_checkpoints: task, turn, ...extra };
  return respond(responderRequest('primary', text, runAgents(text, opts), opts));
}

type Case = {
  name: string;
  text: string;
  current: CheckpointRef | null;
  task?: CheckpointRef[];
  turn?: number;
  asks: string | null;
  includes?: string[];
  excludes?: RegExp[];
  enriched?: boolean;
};

const BAD_CHEER = /great, thanks|glad|good to hear|well done/i;

const cases: Case[] = [
  { name: 'first turn, nothing found: greets and asks the current question', text: 'hi', current: mood, turn: 1, asks: 'checkin_mood', includes: ['How are you feeling today?'], enriched: false },
  { name: 'mood answered → acknowledges it and asks the next question', text: 'I feel good today', current: mood, asks: 'checkin_sleep', includes: ["Good to hear you're feeling good.", 'How did you sleep last night?'], excludes: [/How are you feeling/] },
  { name: 'a one-word bad mood is an answer, met with sympathy, never cheer', text: 'bad', current: mood, asks: 'checkin_sleep', includes: ["I'm sorry you're feeling bad."], excludes: [BAD_CHEER] },
  { name: '"meh" answers how they feel', text: 'meh', current: mood, asks: 'checkin_sleep', includes: ['How did you sleep last night?'] },
  { name: 'a bad night gets sympathy, not "great"', text: 'badly, woke up at 3am', current: current(sleep), task: [done(mood), current(sleep), meals, planCp], asks: 'checkin_meals', includes: ['rough night'], excludes: [BAD_CHEER] },
  { name: 'not answered after the first ask → the rephrased question, not the same words', text: 'hmm', current: current({ ...sleep, asked: 1 }), task: [done(mood), current({ ...sleep, asked: 1 }), meals, planCp], asks: 'checkin_sleep', includes: ['Did you get some rest last night, or was it a rough night?'], excludes: [/How did you sleep last night\?/] },
  { name: 'not answered after two asks → skipped, moves on', text: 'hmm', current: current({ ...sleep, asked: 2 }), task: [done(mood), current({ ...sleep, asked: 2 }), meals, planCp], asks: 'checkin_meals', includes: ['What have you eaten so far today?'], excludes: [/sleep/] },
  { name: 'typos: meals with misspellings are logged', text: 'had oatmel n bananna for brekfast', current: current(meals), task: [done(mood), done(sleep), current(meals), planCp], asks: 'checkin_plan', includes: ['oatmeal and banana for breakfast', "What is one thing you'd like to do today?"], enriched: true },
  { name: 'a rambling message credits every checkpoint it answers and asks only what is left', text: 'Slept ok but woke up twice, feeling a bit tired. Had toast and eggs for breakfast.', current: mood, asks: 'checkin_plan', includes: ["What is one thing you'd like to do today?"], excludes: [/How did you sleep|What have you eaten/] },
  { name: 'medication taken and missed are acknowledged', text: 'I took my metformin but forgot my lisinopril', current: current(meals), task: [done(mood), done(sleep), current(meals), planCp], asks: 'checkin_meals', includes: ['What have you eaten so far today?'] },
  { name: 'a refusal is acknowledged and not asked again', text: "I'd rather not say", current: current(sleep), task: [done(mood), current(sleep), meals, planCp], asks: 'checkin_meals', includes: ['skip', 'What have you eaten so far today?'], excludes: [/sleep/] },
  { name: 'stop: goodbye, no question', text: 'can we stop now, I have to go', current: current(sleep), task: [done(mood), current(sleep), meals, planCp], asks: null, includes: ['stop'], excludes: [/\?/] },

  { name: 'commitment in the second person, then the closing once everything is settled', text: "I'm going to call my doctor on Monday", current: current(planCp), task: [done(mood), done(sleep), done(meals), current(planCp)], asks: null, includes: ['your plan to call your doctor on Monday', "today's check-in"], enriched: true },
  { name: 'never asks a completed checkpoint (skips completed ones ahead)', text: 'I feel fine', current: mood, task: [mood, done(sleep), done(meals), planCp], asks: 'checkin_plan', excludes: [/How did you sleep|What have you eaten/] },
  { name: 'no closing while a checkpoint is open', text: 'I feel fine', current: mood, task: [mood, done(sleep), { ...meals, status: 'declined' }, planCp], asks: 'checkin_plan', excludes: [/today's check-in/] },
  { name: 'requires_human: escalation message, no checkpoint question', text: 'I want to end my life', current: mood, asks: null, includes: ['care team', 'follow up', '988', '911'], excludes: [/How are you feeling today\?/], enriched: true },
  { name: 'negated crisis words do not escalate', text: "I'm not suicidal, just tired", current: mood, asks: 'checkin_sleep', excludes: [/care team/] },
  { name: 'Spanish: understood and answered in Spanish', text: 'Me siento muy sola', current: mood, asks: 'checkin_sleep', includes: ['¿Cómo dormiste anoche?'], excludes: [/How did you sleep/] },
  { name: 'Spanish breakfast answers the meals question', text: 'desayuné huevos con tortilla', current: current(meals), task: [done(mood), done(sleep), current(meals), planCp], asks: 'checkin_plan', includes: ['¿Qué es algo que te gustaría hacer hoy?'] },
  { name: 'no "To make sure I have it right" before unrelated questions', text: 'For breakfast I had eggs', current: current(meals), task: [done(mood), done(sleep), current(meals), planCp], asks: 'checkin_plan', excludes: [/confirm|make sure/i] },
  { name: 'identifiers never echoed', text: 'I will email jane@example.com tomorrow', current: current(planCp), task: [done(mood), done(sleep), done(meals), current(planCp)], asks: null, excludes: [/jane@example\.com/] },
];

describe('primary responder', () => {
  it.each(cases)('$name', ({ text, current: cur, task, turn, asks, includes, excludes, enriched }) => {
    const out = reply(text, cur, task, turn);
    expect(out.responder).toBe('primary');
    expect(out.asks_checkpoint_id).toBe(asks);
    for (const s of includes ?? []) expect(out.response).toContain(s);
    for (const r of excludes ?? []) expect(out.response).not.toMatch(r);
    if (enriched !== undefined) expect(out.is_enriched).toBe(enriched);
    // At most one question per reply.
    expect((out.response.match(/\?/g) ?? []).length).toBeLessThanOrEqual(1);
  });

  it('is deterministic and varies phrasing by conversation and turn only', () => {
    const a = reply('hi', mood, TASK, 1);
    expect(reply('hi', mood, TASK, 1)).toEqual(a);
    const variants = new Set(
      Array.from({ length: 12 }, (_, i) => {
        const opts = { checkpoint: mood, task_checkpoints: TASK, turn: 1, conversation_id: `conv-${i}` };
        return respond(responderRequest('primary', 'hi', {}, opts)).response;
      }),
    );
    expect(variants.size).toBeGreaterThan(1);
  });

  it('ignores a legacy checklist verdict about another checkpoint (late result)', () => {
    const results = runAgents('anything', { checkpoint: mood, task_checkpoints: TASK });
    results['checklist'] = { agent: 'checklist', status: 'ok', findings: {}, flags: { checkpoint_complete: true, checkpoint_id: 'checkin_plan' } };
    const out = respond(responderRequest('primary', 'anything', results, { checkpoint: mood, task_checkpoints: TASK, turn: 2 }));
    expect(out.asks_checkpoint_id).toBe('checkin_mood');
  });

  it('handles ~50 KB of text within the reply limit', () => {
    const out = reply(longText(), mood);
    expect(out.response.length).toBeLessThanOrEqual(4000);
  });

  it('resume after a stop: welcome back and the same checkpoint, reworded', () => {
    const task = [done(mood), current({ ...sleep, asked: 1 }), meals, planCp];
    const out = reply('hi again', task[1]!, task, 3, { resumed: true });
    expect(out.asks_checkpoint_id).toBe('checkin_sleep');
    expect(out.response).toMatch(/^(Welcome back|Good to have you back)/);
  });

  it('an extra dose is cautioned, never called a missed dose', () => {
    const out = reply('I doubled up on my metformin by mistake this morning', mood);
    expect(out.response).toMatch(/extra dose/);
    expect(out.response).not.toMatch(/missed/);
  });

  it('secondPerson swaps first-person words', () => {
    expect(secondPerson('call my doctor and remind me')).toBe('call your doctor and remind you');
  });
});
