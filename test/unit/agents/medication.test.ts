import { describe, expect, it } from 'vitest';
import { extract, run } from '../../../functions/agents/medication.js';
import { agentRequest, checkpoint, longText } from './requests.js';

type Case = {
  name: string;
  text: string;
  meds?: Array<{ name: string; adherence: string; dose?: { amount: number; unit: string } }>;
  adherence?: string | null;
  side_effects?: string[];
  negated?: string[];
  symptoms?: string[];
};

const cases: Case[] = [
  { name: 'taken with dose', text: 'I took my metformin 500 mg this morning', meds: [{ name: 'metformin', adherence: 'taken', dose: { amount: 500, unit: 'mg' } }], adherence: 'taken' },
  { name: 'taken and missed in one turn', text: 'I took my metformin but forgot my lisinopril', meds: [{ name: 'metformin', adherence: 'taken' }, { name: 'lisinopril', adherence: 'missed' }], adherence: 'mixed' },
  { name: "negation: didn't take → missed", text: "I didn't take my meds today", meds: [{ name: 'medication', adherence: 'missed' }], adherence: 'missed' },
  { name: 'negation: never miss → taken', text: 'I never miss my insulin', meds: [{ name: 'insulin', adherence: 'taken' }], adherence: 'taken' },
  { name: 'skipped', text: 'skipped my atorvastatin last night', meds: [{ name: 'atorvastatin', adherence: 'missed' }] },
  { name: 'brand name maps to generic, tablets as dose', text: 'Took 2 tablets of Tylenol', meds: [{ name: 'acetaminophen', adherence: 'taken', dose: { amount: 2, unit: 'tablets' } }] },
  { name: 'mention without adherence', text: 'Is it ok to drink coffee with sertraline?', meds: [{ name: 'sertraline', adherence: 'unknown' }], adherence: null },
  { name: 'side effects', text: 'The new pills make me dizzy and nauseous', side_effects: ['dizziness', 'nausea'] },
  { name: 'negated side effects', text: 'no nausea or dizziness this week', side_effects: [], negated: ['nausea', 'dizziness'] },
  { name: 'negation ends at a comma', text: 'no nausea from the metformin, but a bad headache', side_effects: ['headache'], negated: ['nausea'] },
  { name: 'a symptom without medication is not a side effect', text: 'just tired today', side_effects: [], symptoms: ['fatigue'] },
  { name: 'Spanish + English in one sentence', text: 'Me tomé la metformina this morning, sin mareos, pero tengo dolor de cabeza', meds: [{ name: 'metformin', adherence: 'taken' }], side_effects: ['headache'], negated: ['dizziness'] },
  { name: 'ran out', text: 'I ran out of my blood pressure pills', meds: [{ name: 'blood pressure medication', adherence: 'missed' }] },
  { name: 'no findings', text: 'Lovely weather, went for a walk', meds: [], adherence: null, side_effects: [] },
  { name: 'water ml is not a dose without a drug', text: 'drank 500 ml of water', meds: [] },
];

describe('medication agent', () => {
  it.each(cases)('$name', ({ text, meds, adherence, side_effects, negated, symptoms }) => {
    const got = extract(text);
    if (meds) expect(got.medications).toEqual(meds);
    if (adherence !== undefined) expect(got.adherence).toBe(adherence);
    if (side_effects) expect(got.side_effects).toEqual(side_effects);
    if (negated) expect(got.negated_side_effects).toEqual(negated);
    if (symptoms) expect(got.symptoms).toEqual(symptoms);
  });

  it.each([
    ['Yes, I took them all this morning', 'taken'],
    ['I forgot.', 'missed'],
    ["No, I didn't take them", 'missed'],
    ['I took a walk instead', null],
  ])('bare answer to a medication question: %s', (text, adherence) => {
    const cp = checkpoint('meds_taken', { agent_finding: { agent: 'medication', key: 'adherence' } }, 'pending', "Have you taken today's doses?");
    const out = run(agentRequest('medication', text, { checkpoint: cp }));
    expect(out.findings['adherence']).toBe(adherence);
    // Without a medication question, the same words say nothing about medication.
    expect(run(agentRequest('medication', text)).findings['adherence']).toBeNull();
  });

  it('summary lists what was taken and missed', () => {
    const out = run(agentRequest('medication', 'I took my metformin but forgot my lisinopril and feel dizzy'));
    expect(out.summary).toBe('Medication taken: metformin; missed: lisinopril; side effects: dizziness.');
  });

  it('handles ~50 KB of text with a bounded list', () => {
    const out = run(agentRequest('medication', longText()));
    expect(out.findings['medications']).toEqual([{ name: 'metformin', adherence: 'taken' }]);
  });
});
