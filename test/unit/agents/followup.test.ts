import { describe, expect, it } from 'vitest';
import { extract, resolveDate, run, type FollowupItem } from '../../../functions/agents/followup.js';
import { agentRequest, longText } from './requests.js';

// Monday 23 November 2026, noon UTC.
const NOW = Date.UTC(2026, 10, 23, 12);

type Case = { name: string; text: string; items: Array<Partial<FollowupItem> & { relative?: object; time?: string; date?: string }> };

const cases: Case[] = [
  { name: 'I will + tomorrow', text: 'I will walk tomorrow', items: [{ kind: 'commitment', text: 'walk', relative: { days: 1 }, date: '2026-11-24' }] },
  { name: "I'm going to + on Monday", text: "I'm going to call my doctor on Monday", items: [{ kind: 'commitment', text: 'call my doctor', relative: { weekday: 'monday' }, date: '2026-11-30' }] },
  { name: 'tonight at 5pm', text: "I'll cook a healthy dinner tonight at 5pm", items: [{ kind: 'commitment', text: 'cook a healthy dinner', relative: { days: 0, part_of_day: 'night' }, time: '17:00' }] },
  { name: 'next week', text: 'I plan to join the swimming class next week', items: [{ kind: 'commitment', text: 'join the swimming class', relative: { weeks: 1 }, date: '2026-11-30' }] },
  { name: 'due before the trigger', text: 'Tomorrow morning I will stretch for ten minutes', items: [{ kind: 'commitment', text: 'stretch for ten minutes', relative: { days: 1, part_of_day: 'morning' } }] },
  { name: 'time with minutes', text: "I'm gonna take a nap at 3:30 pm", items: [{ kind: 'commitment', text: 'take a nap', time: '15:30' }] },
  { name: 'due words of an earlier clause about the past are not the due time', text: "Had coffee this morning, and I'll probably order pizza tonight", items: [{ kind: 'commitment', text: 'order pizza', relative: { days: 0, part_of_day: 'night' } }] },
  { name: 'short opening clause carries the due time', text: "After lunch on Friday, I'm going to rest", items: [{ kind: 'commitment', text: 'rest', relative: { weekday: 'friday' } }] },
  { name: 'no due time', text: 'I will drink more water', items: [{ kind: 'commitment', text: 'drink more water' }] },
  { name: 'revisit: remind me to', text: 'Remind me to refill my prescription in 2 days', items: [{ kind: 'revisit', text: 'refill my prescription', relative: { days: 2 }, date: '2026-11-25' }] },
  { name: 'two items in one turn', text: "I'll walk after lunch, and I need to book the dentist on Friday", items: [{ kind: 'commitment', text: 'walk after lunch' }, { kind: 'revisit', text: 'book the dentist', relative: { weekday: 'friday' } }] },
  { name: 'Spanish + English in one sentence', text: 'Mañana voy a caminar con mi hija, then I will rest', items: [{ kind: 'commitment', text: 'caminar con mi hija', relative: { days: 1 } }, { kind: 'commitment', text: 'rest' }] },
  { name: 'Spanish time: a las 6', text: 'voy a tomar la pastilla a las 6 de la tarde', items: [{ kind: 'commitment', relative: { part_of_day: 'afternoon' }, time: '06:00' }] },
  { name: 'negation: I will not', text: 'I will not smoke and I won\'t skip meals', items: [] },
  { name: 'negation: I don\'t think I\'ll', text: "I don't think I'll go to the gym", items: [] },
  { name: 'no findings', text: 'The weather was lovely today.', items: [] },
  { name: 'question is not a commitment', text: 'Will I need to fast before the test?', items: [] },
];

describe('followup agent', () => {
  it.each(cases)('$name', ({ text, items }) => {
    const got = extract(text, { now: NOW });
    expect(got).toHaveLength(items.length);
    items.forEach((want, i) => {
      const item = got[i]!;
      if (want.kind) expect(item.kind).toBe(want.kind);
      if (want.text) expect(item.text).toBe(want.text);
      if (want.relative) expect(item.due?.relative).toEqual(want.relative);
      if (want.time) expect(item.due?.time).toBe(want.time);
      if (want.date) expect(item.due?.date).toBe(want.date);
    });
  });

  it('is deterministic without a clock: relative values only, no date', () => {
    const out = run(agentRequest('followup', 'I will walk tomorrow at 9 am'));
    const items = out.findings['items'] as FollowupItem[];
    expect(items[0]!.due).toEqual({ text: 'tomorrow at 9 am', relative: { days: 1 }, time: '09:00' });
    expect(run(agentRequest('followup', 'I will walk tomorrow at 9 am'))).toEqual(out);
  });

  it('uses the redacted text: an item never carries a raw phone number', () => {
    const out = run(agentRequest('followup', 'I will call my sister at 555-123-4567 tomorrow'));
    const items = out.findings['items'] as FollowupItem[];
    expect(items[0]!.text).toBe('call my sister at [PHONE]');
    expect(JSON.stringify(out)).not.toContain('4567');
  });

  it('splits commitments and revisit items in findings', () => {
    const out = run(agentRequest('followup', 'I will walk. Remind me to buy fruit.'));
    expect((out.findings['commitments'] as unknown[]).length).toBe(1);
    expect((out.findings['revisit'] as unknown[]).length).toBe(1);
  });

  it('resolves weekdays to the next occurrence, never today', () => {
    expect(resolveDate({ weekday: 'monday' }, NOW)).toBe('2026-11-30');
    expect(resolveDate({ weekday: 'tuesday' }, NOW)).toBe('2026-11-24');
  });

  it('handles ~50 KB of text with a bounded number of items', () => {
    const out = run(agentRequest('followup', longText()));
    expect((out.findings['items'] as unknown[]).length).toBeLessThanOrEqual(20);
    expect((out.findings['items'] as unknown[]).length).toBeGreaterThan(0);
  });
});
