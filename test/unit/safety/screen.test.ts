import { describe, expect, it } from 'vitest';
import { screenText } from '../../../functions/core/safety/screen.js';
import { normalise } from '../../../functions/core/safety/normalize.js';

const escalates = (text: string) => screenText(text).escalate;

describe('crisis screen: the phrasings the issue found missed', () => {
  it.each([
    ["I don't want to be here anymore", 'suicidal_intent'],
    ['thinking about ending things', 'suicidal_intent'],
    ['i wanna kms', 'suicidal_intent'],
    ['unalive', 'suicidal_intent'],
    ['no quiero seguir viviendo', 'suicidal_intent'],
    ['I took a whole bottle of my sleeping pills', 'overdose'],
    ['My son pushed me down the stairs', 'abuse'],
    ["I can't feel my left arm and my words come out wrong", 'medical_emergency'],
    ["my blood sugar is 40 and I'm confused", 'medical_emergency'],
    ['worst headache of my life', 'medical_emergency'],
    ['I want to end my life tonight.', 'suicidal_intent'],
  ])('%s → %s', (text, category) => {
    const r = screenText(text);
    expect(r.escalate).toBe(true);
    expect(r.category).toBe(category);
  });
});

describe('crisis screen: harmless sentences that must not escalate', () => {
  it.each([
    'a stroke of bad luck',
    'my husband beats me at chess',
    'I cut myself a slice of cake',
    'my chest hurts from laughing',
    'my boss is killing me',
    "I'm dying to see the new movie",
    'my friend said she wants to die',
    "I'm not suicidal, just tired",
    'I tried to kill myself when I was 19 but I am in a good place now',
    'My grandfather had a stroke five years ago',
    'No chest pain today',
    'I took my blood pressure pills with breakfast',
    'me muero de risa',
    'mi esposo me gana al ajedrez',
  ])('%s', (text) => {
    expect(escalates(text)).toBe(false);
  });
});

describe('crisis screen: rules', () => {
  it('slang, leetspeak and misspellings', () => {
    expect(escalates('i want 2 k1ll myself')).toBe(true);
    expect(escalates('I am so sucidal')).toBe(true);
    expect(escalates('i want to kill myslef')).toBe(true);
    expect(escalates('kiero morir')).toBe(true);
    // A real word near a keyword is not "corrected" into one.
    expect(escalates('We walked up the hill myself and my dog')).toBe(false);
  });

  it('severity: intent and emergencies are critical; ideation is high, raised by imminence', () => {
    expect(screenText('I want to kill myself').severity).toBe('critical');
    expect(screenText('I just want to die').severity).toBe('high');
    expect(screenText('I just want to die tonight').severity).toBe('critical');
    expect(screenText('my chest is tight and it spreads to my jaw').severity).toBe('critical');
  });

  it('the most severe signal decides the category; every signal is reported by rule id, never words', () => {
    const r = screenText('he beats me and yesterday I overdosed');
    expect(r).toMatchObject({ escalate: true, category: 'overdose', severity: 'critical' });
    expect(r.signals.map((s) => s.category).sort()).toEqual(['abuse', 'overdose']);
    expect(JSON.stringify(r)).not.toMatch(/beats|overdosed/);
  });

  it('negation scope ends at "but"; "can\'t stop" is not a negation', () => {
    expect(escalates("I don't have chest pain but I want to end my life")).toBe(true);
    expect(escalates("I can't stop thinking about killing myself")).toBe(true);
    expect(escalates('I would never hurt myself')).toBe(false);
  });

  it('history is suppressed unless it is happening again', () => {
    expect(escalates('I used to cut myself years ago')).toBe(false);
    expect(escalates('I used to cut myself years ago and the urges to cut are back again now')).toBe(true);
  });

  it('numbers: low glucose escalates, normal does not; mmol/L too', () => {
    expect(escalates('my sugar is 45')).toBe(true);
    expect(escalates('my sugar is 145')).toBe(false);
    expect(escalates('glucose 2.4 mmol')).toBe(true);
  });

  it('long text is screened in linear time and the crisis inside the screened part is found', () => {
    const filler = 'I had a nice walk and a salad for lunch. '.repeat(200);
    expect(escalates(filler)).toBe(false);
    expect(escalates(`${filler} I want to kill myself.`)).toBe(true);
  });

  it('normalises contractions, accents and repeated letters', () => {
    expect(normalise("I can’t breathe. Sooooo scared")[0]!.tokens).toEqual(['i', 'cannot', 'breathe']);
    expect(normalise('No puedo más, quiero MORIR')[0]!.tokens).toEqual(['no', 'puedo', 'mas', 'quiero', 'morir']);
  });
});
