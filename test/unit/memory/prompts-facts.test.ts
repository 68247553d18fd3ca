import { describe, expect, it } from 'vitest';
import type { AgentMemory, AgentOutput } from '../../../functions/contracts/agent.js';
import { classifyMood, classifyOutcome, classifySleep, extractMemoryFacts, preferredName } from '../../../functions/core/memory/facts.js';
import { memoryQuestion } from '../../../functions/core/memory/prompts.js';
import { confirmedMedications } from '../../../functions/core/memory/confirm.js';

const memory: AgentMemory = {
  last_commitment: { id: 'c1', text: 'walk my dog around the lake', due: 'after dinner', learned_at: '2026-11-23T10:00:00.000Z', conversation_id: 'conv-1' },
  medications: [
    { name: 'metformin', learned_at: '2026-11-23T10:00:00.000Z', conversation_id: 'conv-1' },
    { name: 'lisinopril', dose: { amount: 10, unit: 'mg' }, learned_at: '2026-11-23T10:00:00.000Z', conversation_id: 'conv-1' },
  ],
  preferences: {},
  summary: '',
};

describe('memoryQuestion', () => {
  it('asks about the last commitment by name, in English and Spanish', () => {
    expect(memoryQuestion({ plan: 'accountability', checkpoint_id: 'acct_review', memory, language: 'en' })).toBe(
      'Last time you planned to walk your dog around the lake after dinner — how did it go?',
    );
    expect(memoryQuestion({ plan: 'accountability', checkpoint_id: 'acct_review', memory, language: 'es' })).toBe(
      'La última vez planeaste walk your dog around the lake after dinner: ¿cómo te fue?'.replace('your', 'my'),
    );
  });

  it('confirms known medications instead of asking from scratch', () => {
    expect(memoryQuestion({ plan: 'medication_adherence', checkpoint_id: 'meds_list', memory, language: 'en' })).toBe(
      'Are you still taking metformin and lisinopril? If anything has changed, let me know.',
    );
    expect(memoryQuestion({ plan: 'medication_adherence', checkpoint_id: 'meds_list', memory, language: 'es' })).toBe(
      '¿Sigues tomando metformin y lisinopril? Si algo cambió, cuéntame.',
    );
  });

  it('lets the daily check-in recall the last commitment; drops a relative due date', () => {
    const tomorrow = { ...memory, last_commitment: { ...memory.last_commitment!, text: 'call my sister', due: 'tomorrow' } };
    expect(memoryQuestion({ plan: 'daily_checkin', checkpoint_id: 'checkin_plan', memory: tomorrow, language: 'en' })).toBe(
      "Last time you planned to call your sister. What is one thing you'd like to do today?",
    );
  });

  it('falls back (null) without memory, without the fact, after the outcome is known, or for other checkpoints', () => {
    expect(memoryQuestion({ plan: 'accountability', checkpoint_id: 'acct_review', memory: null, language: 'en' })).toBeNull();
    expect(memoryQuestion({ plan: 'accountability', checkpoint_id: 'acct_review', memory: { ...memory, last_commitment: null }, language: 'en' })).toBeNull();
    expect(memoryQuestion({ plan: 'accountability', checkpoint_id: 'acct_review', memory: { ...memory, last_commitment: { ...memory.last_commitment!, outcome: 'done' } }, language: 'en' })).toBeNull();
    expect(memoryQuestion({ plan: 'medication_adherence', checkpoint_id: 'meds_list', memory: { ...memory, medications: [] }, language: 'en' })).toBeNull();
    expect(memoryQuestion({ plan: 'accountability', checkpoint_id: 'acct_obstacles', memory, language: 'en' })).toBeNull();
  });
});

describe('classifiers', () => {
  it('mood, sleep and outcome become enums (never text)', () => {
    expect(classifyMood('I feel pretty good today')).toBe('good');
    expect(classifyMood('not good, a bit down')).toBe('low');
    expect(classifyMood("I'm okay I guess")).toBe('okay');
    expect(classifyMood('me siento triste')).toBe('low');
    expect(classifyMood('the weather is nice')).toBeNull();
    expect(classifySleep('I slept about seven hours')).toBe('good');
    expect(classifySleep('only 4 hours')).toBe('poor');
    expect(classifySleep('I slept badly')).toBe('poor');
    expect(classifySleep('dormí bien')).toBe('good');
    expect(classifyOutcome('I did it twice, it went well')).toBe('done');
    expect(classifyOutcome("No, I didn't manage it")).toBe('missed');
    expect(classifyOutcome('I forgot')).toBe('missed');
    expect(classifyOutcome('I tried, only once')).toBe('partial');
    expect(classifyOutcome('sí, lo hice')).toBe('done');
    expect(classifyOutcome('hmm')).toBeNull();
  });

  it('a preferred name only when asked for', () => {
    expect(preferredName('Please call me Ana')).toBe('Ana');
    expect(preferredName('me llamo Lucía')).toBe('Lucía');
    expect(preferredName('call me tomorrow')).toBeNull();
  });
});

const out = (agent: string, findings: Record<string, unknown>): AgentOutput => ({ agent, status: 'ok', findings, flags: {} });

describe('extractMemoryFacts', () => {
  it('takes commitments and medications from the agents, the outcome of the asked commitment, corrections', () => {
    const facts = extractMemoryFacts({
      plan: 'accountability',
      checkpoint_id: 'acct_review',
      text: 'I did it. I stopped taking metformin. I will swim on Friday',
      redacted_text: 'I did it. I stopped taking metformin. I will swim on Friday',
      findings: {
        followup: out('followup', { items: [{ kind: 'commitment', text: 'swim', due: { text: 'on Friday' } }, { kind: 'revisit', text: 'x' }] }),
        medication: out('medication', { medications: [{ name: 'metformin', adherence: 'unknown' }, { name: 'medication', adherence: 'taken' }] }),
      },
      memory,
    });
    expect(facts).toEqual({
      commitments: [{ text: 'swim', due: 'on Friday' }],
      commitment_outcome: { commitment_id: 'c1', status: 'done' },
      medications: [{ name: 'metformin', status: 'stopped', adherence: 'unknown' }],
      language: 'en',
    });
  });

  it('"no" to "are you still taking …?" marks the remembered ones stopped', () => {
    const facts = extractMemoryFacts({ plan: 'medication_adherence', checkpoint_id: 'meds_list', text: 'No, not anymore', redacted_text: 'No, not anymore', findings: {}, memory });
    expect(facts.medications).toEqual([{ name: 'metformin', status: 'stopped' }, { name: 'lisinopril', status: 'stopped' }]);
  });

  it('teaches nothing from small talk', () => {
    expect(extractMemoryFacts({ plan: 'daily_checkin', checkpoint_id: 'checkin_meals', text: 'hello there how are you', redacted_text: 'hello there how are you', findings: {}, memory: null })).toEqual({});
  });
});

describe('confirmedMedications', () => {
  it('a plain yes confirms the remembered medications; a no or a correction does not', () => {
    expect(confirmedMedications(memory, 'Yes, still the same').map((m) => m.name)).toEqual(['metformin', 'lisinopril']);
    expect(confirmedMedications(memory, 'Sí, sigo igual').map((m) => m.name)).toEqual(['metformin', 'lisinopril']);
    expect(confirmedMedications(memory, 'yes but I stopped metformin')).toEqual([]);
    expect(confirmedMedications(memory, 'no')).toEqual([]);
    expect(confirmedMedications(undefined, 'yes')).toEqual([]);
  });
});
