import { describe, expect, it } from 'vitest';
import { findEntities, luhnValid, redact, run, MAX_PRIVACY_CHARS } from '../../../functions/agents/privacy.js';
import { agentRequest, longText } from './requests.js';

type Case = { name: string; text: string; types: string[]; redacted?: string; absent?: string[] };

const cases: Case[] = [
  { name: 'email', text: 'Write to jane.doe+care@mail.example.co.uk please', types: ['email'], redacted: 'Write to [EMAIL] please', absent: ['jane.doe'] },
  { name: 'US phone with parentheses', text: 'Call me at (555) 123-4567 tonight', types: ['phone'], redacted: 'Call me at [PHONE] tonight' },
  { name: 'US phone dotted and +1', text: 'cell 555.123.4567 or +1 555 987 6543', types: ['phone', 'phone'], absent: ['4567', '6543'] },
  { name: 'international phone (UK, Spain)', text: 'UK +44 20 7946 0958, España +34 612 345 678', types: ['phone', 'phone'], absent: ['7946', '612 345'] },
  { name: 'SSN with dashes', text: 'my SSN is 123-45-6789.', types: ['ssn'], redacted: 'my SSN is [SSN].' },
  { name: 'SSN labelled, no dashes', text: 'social security number 123456789', types: ['ssn'], absent: ['123456789'] },
  { name: 'card number (Luhn valid)', text: 'card 4111 1111 1111 1111 exp soon', types: ['card'], redacted: 'card [CARD] exp soon' },
  { name: 'card-like number failing Luhn is not a card', text: 'order 4111 1111 1111 1112 shipped', types: [] },
  { name: 'date of birth (DOB:)', text: 'DOB: 03/04/1975 and I feel fine', types: ['dob'], redacted: 'DOB: [DOB] and I feel fine' },
  { name: 'born on, written month', text: 'I was born on March 3rd, 1975 in Ohio', types: ['dob'], absent: ['1975'] },
  { name: 'street address with apartment', text: 'I live at 742 Evergreen Terrace, Apt 3B now', types: ['address'], absent: ['Evergreen'] },
  { name: 'Spanish + English in one sentence', text: 'Mi correo es ana@ejemplo.es and I live at Calle Mayor 12, nací el 3 de marzo de 1980', types: ['email', 'address', 'dob'], absent: ['ana@', 'Mayor', '1980'] },
  { name: 'lower-case street address', text: 'send it to 12 main street please', types: ['address'], redacted: 'send it to [ADDRESS] please' },
  { name: 'abbreviated suffix with a capitalised name', text: 'I moved to 5 Pine Ct. last year', types: ['address'] },
  { name: 'everyday words before an abbreviation are not an address', text: 'I have 2 more dr appointments and 1 long drive', types: [] },
  { name: 'walking distance is not an address', text: 'I walked 3 blocks down the street today', types: [] },
  { name: 'doses, times and water are not identifiers', text: 'Took 10 mg at 5pm and drank 500 ml of water, 2 glasses', types: [] },
  { name: 'no findings', text: 'Feeling good today, thanks!', types: [] },
  { name: 'empty text', text: '', types: [] },
];

describe('privacy agent', () => {
  it.each(cases)('$name', ({ text, types, redacted, absent }) => {
    const out = run(agentRequest('privacy', text));
    const entities = out.findings['entities'] as Array<{ type: string; start: number; end: number }>;
    expect(entities.map((e) => e.type).sort()).toEqual([...types].sort());
    if (redacted !== undefined) expect(out.redacted_text).toBe(redacted);
    for (const raw of absent ?? []) expect(out.redacted_text).not.toContain(raw);
    // Findings carry type and span only; the summary never repeats a value.
    for (const e of entities) expect(Object.keys(e).sort()).toEqual(['end', 'start', 'type']);
    for (const e of entities) expect(out.summary).not.toContain(text.slice(e.start, e.end));
    if (types.length === 0) expect(out.redacted_text).toBe(text);
  });

  it('spans point at the identifiers in the original text', () => {
    const text = 'mail a@b.io, call 555-123-4567';
    const entities = findEntities(text);
    expect(entities.map((e) => text.slice(e.start, e.end))).toEqual(['a@b.io', '555-123-4567']);
  });

  it('redacts identifiers at the end of a ~50 KB text (beyond the analysis cap of other agents)', () => {
    const text = longText('Contact: late@example.com, 555-222-3333.');
    const { text: redacted, entities } = redact(text);
    expect(redacted.endsWith('Contact: [EMAIL], [PHONE].')).toBe(true);
    expect(entities).toHaveLength(2);
  });

  it('stays linear on adversarial input (digits, @ and dots)', () => {
    for (const text of ['1'.repeat(60_000), '1 '.repeat(30_000), 'a@'.repeat(30_000), 'a.'.repeat(30_000), '12-'.repeat(20_000)]) {
      const out = run(agentRequest('privacy', text));
      expect(out.status).toBe('ok');
    }
  });

  it('redacts thousands of identifiers in one paste, overlaps resolved by priority', () => {
    const text = 'call 555-123-4567 or pay 4111 1111 1111 1111 or mail a@b.io; '.repeat(1500);
    const { text: redacted, entities } = redact(text);
    expect(entities).toHaveLength(4500);
    expect(redacted).toBe('call [PHONE] or pay [CARD] or mail [EMAIL]; '.repeat(1500));
  });

  it('drops (never passes through) text beyond MAX_PRIVACY_CHARS', () => {
    const text = 'x'.repeat(MAX_PRIVACY_CHARS) + ' secret@example.com';
    const out = redact(text);
    expect(out.truncated).toBe(true);
    expect(out.text).not.toContain('secret@example.com');
  });

  it('Luhn check', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
});
