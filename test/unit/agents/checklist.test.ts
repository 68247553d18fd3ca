import { describe, expect, it } from 'vitest';
import { isPresent, run } from '../../../functions/agents/checklist.js';
import type { AgentOutput, CompletionCriteria } from '../../../functions/contracts/agent.js';
import { agentRequest, checkpoint, longText } from './requests.js';

const dep = (agent: string, findings: Record<string, unknown>, status: 'ok' | 'error' = 'ok'): AgentOutput => ({ agent, status, findings, flags: {} });

type Case = { name: string; text: string; criteria: CompletionCriteria; deps?: Record<string, AgentOutput>; complete: boolean; matched?: string[] };

const cases: Case[] = [
  { name: 'keywords_any hit', text: 'I slept well last night', criteria: { keywords_any: ['slept', 'sleep'] }, complete: true, matched: ['keywords_any'] },
  { name: 'keywords_any miss', text: 'I had toast', criteria: { keywords_any: ['slept', 'sleep'] }, complete: false },
  { name: 'keywords_any is whole-word (sleepy ≠ sleep)', text: 'I feel sleepy', criteria: { keywords_any: ['sleep'] }, complete: false },
  { name: 'keywords_any case and accent insensitive', text: 'Dormí BIEN, café después', criteria: { keywords_any: ['dormi'] }, complete: true },
  { name: 'a negated keyword still answers the question', text: "I didn't sleep well", criteria: { keywords_any: ['sleep', 'slept'] }, complete: true },
  { name: 'keywords_all all present', text: 'I walked and then stretched', criteria: { keywords_all: ['walked', 'stretched'] }, complete: true },
  { name: 'keywords_all one missing', text: 'I walked', criteria: { keywords_all: ['walked', 'stretched'] }, complete: false },
  { name: 'multi-word keyword', text: 'I took a long walk in the park', criteria: { keywords_any: ['long walk'] }, complete: true },
  { name: 'agent_finding non-empty array', text: 'eggs', criteria: { agent_finding: { agent: 'nutrition', key: 'meals' } }, deps: { nutrition: dep('nutrition', { meals: [{ meal: 'breakfast' }] }) }, complete: true },
  { name: 'agent_finding empty array', text: 'eggs', criteria: { agent_finding: { agent: 'nutrition', key: 'meals' } }, deps: { nutrition: dep('nutrition', { meals: [] }) }, complete: false },
  { name: 'agent_finding zero number', text: 'water', criteria: { agent_finding: { agent: 'nutrition', key: 'water_ml' } }, deps: { nutrition: dep('nutrition', { water_ml: 0 }) }, complete: false },
  { name: 'agent_finding dependency absent', text: 'I had breakfast', criteria: { agent_finding: { agent: 'nutrition', key: 'meals' } }, complete: false },
  { name: 'agent_finding dependency failed', text: 'I had breakfast', criteria: { agent_finding: { agent: 'nutrition', key: 'meals' } }, deps: { nutrition: dep('nutrition', { meals: [1] }, 'error') }, complete: false },
  { name: 'min_words met', text: 'one two three four five', criteria: { min_words: 5 }, complete: true },
  { name: 'min_words not met', text: 'one two', criteria: { min_words: 5 }, complete: false },
  { name: 'all rules must hold', text: 'I slept', criteria: { keywords_any: ['slept'], min_words: 3 }, complete: false },
  { name: 'Spanish + English in one sentence', text: 'Hoy I walked al parque con mi perro', criteria: { keywords_any: ['walked', 'camine'] }, complete: true },
  { name: 'empty criteria: any answer completes', text: 'fine', criteria: {}, complete: true, matched: ['any_answer'] },
  { name: 'empty criteria: empty text does not', text: '   ', criteria: {}, complete: false },
];

describe('checklist agent', () => {
  it.each(cases)('$name', ({ text, criteria, deps, complete, matched }) => {
    const cp = checkpoint('cp_1', criteria);
    const out = run(agentRequest('checklist', text, { checkpoint: cp, dependencies: deps }));
    expect(out.status).toBe('ok');
    expect(out.flags.checkpoint_complete).toBe(complete);
    expect(out.flags.checkpoint_id).toBe('cp_1');
    if (matched) expect((out.findings['matched'] as Array<{ rule: string }>).map((r) => r.rule)).toEqual(matched);
  });

  it('no checkpoint → ok, checkpoint_complete false, no checkpoint_id', () => {
    const out = run(agentRequest('checklist', 'anything', { checkpoint: null }));
    expect(out.status).toBe('ok');
    expect(out.flags).toEqual({ checkpoint_complete: false });
  });

  it('evaluates the redacted text (a keyword inside an identifier does not count)', () => {
    const cp = checkpoint('cp_contact', { keywords_any: ['doctor'] });
    const out = run(agentRequest('checklist', 'write to doctor@clinic.com', { checkpoint: cp }));
    expect(out.flags.checkpoint_complete).toBe(false);
  });

  it('handles ~50 KB of text', () => {
    const cp = checkpoint('cp_walk', { keywords_any: ['walk'], min_words: 100 });
    const out = run(agentRequest('checklist', longText(), { checkpoint: cp }));
    expect(out.flags.checkpoint_complete).toBe(true);
  });

  it('isPresent', () => {
    expect([[], {}, '', 0, false, null, undefined].map(isPresent).some(Boolean)).toBe(false);
    expect([[1], { a: 1 }, 'x', 2, true].map(isPresent).every(Boolean)).toBe(true);
  });
});
