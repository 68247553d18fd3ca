import { describe, expect, it } from 'vitest';
import { respond } from '../../../functions/agents/primary.js';
import { checkpointToAsk, secondPerson } from '../../../functions/agents/responder-kit.js';
import type { CheckpointRef } from '../../../functions/contracts/agent.js';
import { checkpoint, longText, responderRequest, runAgents } from './requests.js';

const mood = checkpoint('checkin_mood', { keywords_any: ['good', 'fine', 'tired'] }, 'in_progress', 'How are you feeling today?');
const sleep = checkpoint('checkin_sleep', { keywords_any: ['slept', 'sleep'] }, 'pending', 'How did you sleep last night?');
const meals = checkpoint('checkin_meals', { agent_finding: { agent: 'nutrition', key: 'meals' } }, 'pending', 'What have you eaten so far today?');
const plan = checkpoint('checkin_plan', { agent_finding: { agent: 'followup', key: 'commitments' } }, 'pending', "What is one thing you'd like to do today?");
const TASK = [mood, sleep, meals, plan];

function reply(text: string, current: CheckpointRef | null, task: CheckpointRef[] = TASK, turn = 2) {
  const opts = { checkpoint: current, task_checkpoints: task, turn };
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
  excludes?: string[];
  enriched?: boolean;
};

const done = (c: CheckpointRef): CheckpointRef => ({ ...c, status: 'complete' });

const cases: Case[] = [
  { name: 'first turn, nothing found: greets and asks the current question', text: 'hi', current: mood, turn: 1, asks: 'checkin_mood', includes: ['How are you feeling today?'], enriched: false },
  { name: 'current checkpoint completed → next pending question', text: 'I feel good today', current: mood, asks: 'checkin_sleep', includes: ['How did you sleep last night?'], excludes: ['How are you feeling today?'] },
  { name: 'not completed → asks the current question again', text: 'hmm', current: sleep, task: [done(mood), sleep, meals, plan], asks: 'checkin_sleep', includes: ['How did you sleep last night?'] },
  { name: 'acknowledges meals and water, then moves on', text: 'For breakfast I had oatmeal and I drank 2 glasses of water', current: meals, task: [done(mood), done(sleep), meals, plan], asks: 'checkin_plan', includes: ['breakfast (oatmeal)', '500 ml of water', "What is one thing you'd like to do today?"], enriched: true },
  { name: 'acknowledges medication taken and missed', text: 'I took my metformin but forgot my lisinopril', current: meals, task: [done(mood), done(sleep), meals, plan], asks: 'checkin_meals', includes: ['you took your metformin', 'missed your lisinopril'], enriched: true },
  { name: 'acknowledges side effects', text: 'the pills make me dizzy', current: sleep, asks: 'checkin_sleep', includes: ['dizziness'] },
  { name: 'acknowledges commitments in the second person', text: "I'm going to call my doctor on Monday", current: plan, task: [done(mood), done(sleep), done(meals), plan], asks: null, includes: ['your plan to call your doctor on Monday', "today's check-in"], enriched: true },
  { name: 'never asks a completed checkpoint (skips completed ones ahead)', text: 'I feel fine', current: mood, task: [mood, done(sleep), done(meals), plan], asks: 'checkin_plan', excludes: ['How did you sleep', 'What have you eaten'] },
  { name: 'wraps to an earlier pending checkpoint', text: 'I will walk later', current: plan, task: [done(mood), sleep, done(meals), plan], asks: 'checkin_sleep', includes: ['How did you sleep last night?'] },
  { name: 'requires_human: escalation message, no checkpoint question', text: 'I want to end my life', current: mood, asks: null, includes: ['care team', 'follow up', '988', '911'], excludes: ['How are you feeling today?'], enriched: true },
  { name: 'medical emergency: emergency guidance', text: 'I have chest pain and my face is drooping', current: mood, asks: null, includes: ['care team', 'call 911', 'stroke'] },
  { name: 'negated crisis words do not escalate', text: "I'm not suicidal, just tired", current: mood, asks: 'checkin_sleep', excludes: ['care team'] },
  { name: 'Spanish + English in one sentence', text: 'Desayuné huevos con pan and I feel fine', current: mood, asks: 'checkin_sleep', includes: ['breakfast (eggs and bread)'] },
  { name: 'next question already answered this turn: confirms instead of asking blind', text: 'For breakfast I had eggs and I will walk tomorrow', current: meals, task: [done(mood), done(sleep), meals, plan], asks: 'checkin_plan', includes: ['your plan to walk tomorrow', "What is one thing you'd like to do today?"], enriched: true },
  { name: 'next question not answered yet: no confirmation wording', text: 'For breakfast I had eggs', current: meals, task: [done(mood), done(sleep), meals, plan], asks: 'checkin_plan', excludes: ['confirm', 'make sure'] },
  { name: 'no checkpoint and no task: open question', text: 'hello', current: null, task: [], asks: null, includes: ['How are you feeling today?'] },
  { name: 'identifiers never echoed', text: 'I will email jane@example.com tomorrow', current: plan, task: [done(mood), done(sleep), done(meals), plan], asks: null, excludes: ['jane@example.com'], includes: ['[EMAIL]'] },
];

describe('primary responder', () => {
  it.each(cases)('$name', ({ text, current, task, turn, asks, includes, excludes, enriched }) => {
    const out = reply(text, current, task, turn);
    expect(out.responder).toBe('primary');
    expect(out.asks_checkpoint_id).toBe(asks);
    for (const s of includes ?? []) expect(out.response).toContain(s);
    for (const s of excludes ?? []) expect(out.response).not.toContain(s);
    if (enriched !== undefined) expect(out.is_enriched).toBe(enriched);
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

  it('ignores a checklist verdict about another checkpoint (late result)', () => {
    const results = runAgents('anything', { checkpoint: mood, task_checkpoints: TASK });
    results['checklist'] = { agent: 'checklist', status: 'ok', findings: {}, flags: { checkpoint_complete: true, checkpoint_id: 'checkin_plan' } };
    const out = respond(responderRequest('primary', 'anything', results, { checkpoint: mood, task_checkpoints: TASK, turn: 2 }));
    expect(out.asks_checkpoint_id).toBe('checkin_mood');
  });

  it('handles ~50 KB of text within the reply limit', () => {
    const out = reply(longText(), mood);
    expect(out.response.length).toBeLessThanOrEqual(4000);
  });

  it('alreadyAnswered: the confirmation appears exactly when the next checkpoint is met by this turn', () => {
    const answered = reply('For breakfast I had eggs and I will walk tomorrow', meals, [done(mood), done(sleep), meals, plan]);
    expect(answered.response).toMatch(/Just to confirm for my notes:|To make sure I have it right:/);
  });

  it('checkpointToAsk returns null when everything is complete', () => {
    const req = responderRequest('primary', 'x', {}, { checkpoint: done(plan), task_checkpoints: TASK.map(done) });
    expect(checkpointToAsk(req)).toBeNull();
  });

  it('secondPerson swaps first-person words', () => {
    expect(secondPerson('call my doctor and remind me')).toBe('call your doctor and remind you');
  });
});
