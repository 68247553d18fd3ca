import { describe, expect, it } from 'vitest';
import { MAX_SUMMARY_CHARS, run, summarize, turnLine } from '../../../functions/agents/history.js';
import { REFERENCE_AGENTS } from '../../../functions/agents/index.js';
import type { AgentOutput } from '../../../functions/contracts/agent.js';
import { agentRequest, checkpoint, longText } from './requests.js';

type Case = { name: string; text: string; turn?: number; includes: string[]; excludes?: string[] };

const cases: Case[] = [
  { name: 'meals and water', text: 'For breakfast I had oatmeal. I drank 2 glasses of water.', includes: ['T1:', 'meals: breakfast (oatmeal)', 'water 500 ml'] },
  { name: 'medication taken and missed', text: 'I took my metformin but forgot my lisinopril', includes: ['meds: metformin taken, lisinopril missed'] },
  { name: 'side effects', text: 'my new pills make me dizzy', includes: ['side effects: dizziness'] },
  { name: 'commitment with due time', text: 'I will walk tomorrow', includes: ['plans: walk (tomorrow)'] },
  { name: 'revisit item', text: 'remind me to buy fruit', includes: ['revisit: buy fruit'] },
  { name: 'skipped meal', text: 'I skipped lunch', includes: ['skipped lunch'] },
  { name: 'escalation is a category, never the words', text: 'I want to kill myself', includes: ['escalated to care team (suicidal_intent)'], excludes: ['kill', 'said:'] },
  { name: 'no structured findings: short redacted gist', text: 'My email is x@y.com and the weather is nice', includes: ['said: "My email is [EMAIL] and the weather is nice"'], excludes: ['x@y.com'] },
  { name: 'identifiers never reach the summary', text: 'I will call 555-123-4567 tomorrow, SSN 123-45-6789', includes: ['plans: call [PHONE] (tomorrow)'], excludes: ['4567', '6789'] },
  { name: 'Spanish + English in one sentence', text: 'Desayuné huevos and I took my insulina', includes: ['meals: breakfast (eggs)', 'meds: insulin taken'] },
  { name: 'turn number from the context', text: 'hello there', turn: 7, includes: ['T7: said: "hello there"'] },
  { name: 'empty text', text: '', includes: ['T1: no details'] },
];

describe('history agent', () => {
  it.each(cases)('$name', ({ text, turn, includes, excludes }) => {
    const line = turnLine(agentRequest('history', text, { turn }));
    for (const s of includes) expect(line).toContain(s);
    for (const s of excludes ?? []) expect(line).not.toContain(s);
  });

  it('prefers the dependencies’ findings over recomputing them', () => {
    const nutrition: AgentOutput = { agent: 'nutrition', status: 'ok', findings: { meals: [{ meal: 'dinner', foods: ['soup'], drinks: [], skipped: false }], water_ml: 0 }, flags: {} };
    expect(turnLine(agentRequest('history', 'unrelated words', { dependencies: { nutrition } }))).toContain('meals: dinner (soup)');
  });

  it('records a completed checkpoint', () => {
    const cp = checkpoint('checkin_sleep', { keywords_any: ['slept'] });
    expect(turnLine(agentRequest('history', 'I slept well', { checkpoint: cp }))).toContain('completed checkin_sleep');
  });

  it('appends lines in turn order and replaces a re-run turn instead of duplicating it', () => {
    let s = summarize('', agentRequest('history', 'I will walk tomorrow', { turn: 1 }));
    s = summarize(s, agentRequest('history', 'I had soup for lunch', { turn: 2 }));
    s = summarize(s, agentRequest('history', 'I had soup for lunch', { turn: 2 }));
    expect(s.split('\n').map((l) => l.slice(0, 3))).toEqual(['T1:', 'T2:']);
  });

  it(`stays within ${MAX_SUMMARY_CHARS} characters, dropping the oldest lines`, () => {
    let s = '';
    for (let turn = 1; turn <= 60; turn += 1) {
      s = summarize(s, agentRequest('history', `For lunch I had rice, beans, chicken and salad; I took my metformin ${turn} times`, { turn }));
      expect(s.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
    }
    expect(s).toContain('T60:');
    expect(s).not.toMatch(/^T1:/m);
  });

  it('handles ~50 KB of text with a bounded line', () => {
    const out = run(agentRequest('history', longText()));
    expect((out.findings['context_summary'] as string).length).toBeLessThanOrEqual(300);
  });

  it('is registered as a reference agent', () => {
    expect(REFERENCE_AGENTS['history']).toBe(run);
  });
});
