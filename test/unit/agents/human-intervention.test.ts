import { describe, expect, it } from 'vitest';
import { run } from '../../../functions/agents/human-intervention.js';
import { agentRequest, longText } from './requests.js';

type Case = { name: string; text: string; flagged: boolean; reason?: string; severity?: string };

const cases: Case[] = [
  { name: 'suicidal intent', text: 'I want to kill myself', flagged: true, reason: 'suicidal_intent', severity: 'critical' },
  { name: 'wish to die', text: 'honestly I just want to die', flagged: true, reason: 'suicidal_intent', severity: 'high' },
  { name: 'self-harm (hyphenated)', text: 'I have been thinking about self-harm again', flagged: true, reason: 'self_harm', severity: 'high' },
  { name: 'overdose', text: 'I took too many pills an hour ago', flagged: true, reason: 'overdose', severity: 'critical' },
  { name: 'abuse', text: 'my husband hits me when he drinks', flagged: true, reason: 'abuse', severity: 'high' },
  { name: 'chest pain', text: 'I have chest pain and my left arm hurts', flagged: true, reason: 'medical_emergency', severity: 'critical' },
  { name: 'stroke signs', text: 'my face is drooping and my speech is slurred', flagged: true, reason: 'medical_emergency', severity: 'critical' },
  { name: 'negation: not suicidal', text: "I'm not suicidal, just tired", flagged: false },
  { name: 'negation: no chest pain', text: 'No chest pain today, feeling better', flagged: false },
  { name: 'negation: never thought of hurting myself', text: 'I have never thought of hurting myself', flagged: false },
  { name: 'negation scope ends at "but"', text: "I don't have chest pain but I want to end my life", flagged: true, reason: 'suicidal_intent', severity: 'critical' },
  { name: '"can\'t stop" is not a negation', text: "I can't stop thinking about killing myself", flagged: true, reason: 'suicidal_intent' },
  { name: '"no one would care" is not a negation', text: 'No one would care if I killed myself', flagged: true, reason: 'suicidal_intent' },
  { name: 'Spanish + English in one sentence', text: 'Today I feel awful, tengo dolor de pecho y no puedo respirar', flagged: true, reason: 'medical_emergency', severity: 'critical' },
  { name: 'Spanish suicidal intent', text: 'a veces quiero morir, you know?', flagged: true, reason: 'suicidal_intent' },
  { name: 'figurative "hit me" is not abuse', text: 'It hit me that I need more rest', flagged: false },
  { name: 'passive ideation', text: 'I feel like nobody would notice if I was gone', flagged: true, reason: 'suicidal_intent', severity: 'high' },
  { name: 'fall with bleeding', text: 'I fell in the bathroom and hit my head, there is a lot of blood', flagged: true, reason: 'medical_emergency', severity: 'critical' },
  { name: 'innocent phrases containing a trigger', text: 'I fell asleep early, what a stroke of luck', flagged: false },
  { name: 'past history is not an emergency', text: 'Since my stroke I walk slowly, and after my heart attack I quit smoking', flagged: false },
  { name: 'an acute event still is', text: 'I think I am having a stroke', flagged: true, reason: 'medical_emergency', severity: 'critical' },
  { name: 'no findings', text: 'I had a nice walk and a salad for lunch', flagged: false },
  { name: 'highest severity wins across categories', text: 'he beats me and yesterday I overdosed', flagged: true, reason: 'overdose', severity: 'critical' },
];

describe('human_intervention agent', () => {
  it.each(cases)('$name', ({ text, flagged, reason, severity }) => {
    const out = run(agentRequest('human_intervention', text));
    expect(out.status).toBe('ok');
    expect(out.flags.requires_human).toBe(flagged);
    if (reason) expect(out.flags.reason).toBe(reason);
    if (severity) expect(out.flags.severity).toBe(severity);
    if (!flagged) {
      expect(out.flags.severity).toBeUndefined();
      expect(out.findings['categories']).toEqual([]);
    }
    // The reason and summary are category names, never the user's words.
    for (const word of text.split(/\s+/).filter((w) => w.length > 5)) {
      expect(out.flags.reason ?? '').not.toContain(word);
    }
  });

  it('reports negated categories separately', () => {
    const out = run(agentRequest('human_intervention', 'no chest pain and I am not suicidal'));
    expect([...(out.findings['negated_categories'] as string[])].sort()).toEqual(['medical_emergency', 'suicidal_intent']);
  });

  it('handles ~50 KB of text and still flags inside the analysed part', () => {
    const quiet = run(agentRequest('human_intervention', longText()));
    expect(quiet.flags.requires_human).toBe(false);
    const loud = run(agentRequest('human_intervention', `I have chest pain. ${longText()}`));
    expect(loud.flags.requires_human).toBe(true);
  });
});
