import { describe, expect, it } from 'vitest';
import { extract, run, type Meal } from '../../../functions/agents/nutrition.js';
import { run as followupRun } from '../../../functions/agents/followup.js';
import type { AgentOutput } from '../../../functions/contracts/agent.js';
import { agentRequest, longText } from './requests.js';

type Case = { name: string; text: string; meals?: Array<Partial<Meal>>; foods?: string[]; drinks?: string[]; water_ml?: number };

const cases: Case[] = [
  { name: 'two meals in one sentence', text: 'For breakfast I had oatmeal and a banana, and for lunch a chicken salad.', meals: [{ meal: 'breakfast', foods: ['oatmeal', 'banana'] }, { meal: 'lunch', foods: ['chicken', 'salad'] }] },
  { name: 'food before the meal word', text: 'I had eggs and toast for breakfast', meals: [{ meal: 'breakfast', foods: ['eggs', 'toast'], skipped: false }] },
  { name: 'skipped meal', text: 'I skipped breakfast but had soup for lunch', meals: [{ meal: 'breakfast', foods: [], skipped: true }, { meal: 'lunch', foods: ['soup'] }] },
  { name: 'negated meal', text: "I didn't eat dinner last night", meals: [{ meal: 'dinner', skipped: true }] },
  { name: 'glasses of water', text: 'I drank 3 glasses of water', water_ml: 750, drinks: ['water'] },
  { name: 'litres and millilitres', text: 'about 1.5 liters of water plus 250 ml water after the walk', water_ml: 1750 },
  { name: 'ounces of water, juice does not count', text: 'I had 16 oz of water and 8 oz of orange juice', water_ml: 473, drinks: ['water', 'juice'] },
  { name: 'a glass, half a liter', text: 'a glass of water with lunch and half a liter of water later', water_ml: 750 },
  { name: 'Spanish + English in one sentence', text: 'Desayuné huevos con pan y café, then for dinner pasta. Tomé 2 vasos de agua.', meals: [{ meal: 'breakfast', foods: ['eggs', 'bread'], drinks: ['coffee'] }, { meal: 'dinner', foods: ['pasta'] }], water_ml: 500 },
  { name: 'decimal comma (Spanish)', text: 'bebí 1,5 litros de agua', water_ml: 1500 },
  { name: 'negated food is not logged', text: 'no sugar, just tea', foods: [], drinks: ['tea'] },
  { name: 'snack', text: 'a snack of almonds and an apple', meals: [{ meal: 'snack', foods: ['almonds', 'apple'] }] },
  { name: 'no findings', text: 'I walked to the park with my dog', meals: [], foods: [], drinks: [], water_ml: 0 },
  { name: 'water quantity without the word water is not counted', text: 'I walked 2 miles and drank 2 cups of coffee', water_ml: 0, drinks: ['coffee'] },
];

describe('nutrition agent', () => {
  it.each(cases)('$name', ({ text, meals, foods, drinks, water_ml }) => {
    const got = extract(text);
    if (meals) {
      expect(got.meals).toHaveLength(meals.length);
      meals.forEach((m, i) => expect(got.meals[i]).toMatchObject(m));
    }
    if (foods) expect(got.foods).toEqual(foods);
    if (drinks) expect(got.drinks).toEqual(drinks);
    if (water_ml !== undefined) expect(got.water_ml).toBe(water_ml);
  });

  it('uses dependencies.privacy.redacted_text when present', () => {
    const privacy: AgentOutput = { agent: 'privacy', status: 'ok', findings: {}, flags: {}, redacted_text: 'For lunch I had rice.' };
    const out = run(agentRequest('nutrition', 'For lunch I had pizza.', { dependencies: { privacy } }));
    expect(out.findings['foods']).toEqual(['rice']);
  });

  it("reports followup's food-related items as commitments", () => {
    const text = "I'll cook a healthy dinner tomorrow and I will call my sister.";
    const followup = followupRun(agentRequest('followup', text));
    const out = run(agentRequest('nutrition', text, { dependencies: { followup } }));
    const commitments = out.findings['commitments'] as Array<{ text: string }>;
    expect(commitments.map((c) => c.text)).toEqual(['cook a healthy dinner']);
  });

  it('ignores a followup dependency that failed', () => {
    const followup: AgentOutput = { agent: 'followup', status: 'error', findings: { items: [{ kind: 'commitment', text: 'eat lunch' }] }, flags: {} };
    const out = run(agentRequest('nutrition', 'hello', { dependencies: { followup } }));
    expect(out.findings['commitments']).toEqual([]);
  });

  it('summarises without identifiers', () => {
    const out = run(agentRequest('nutrition', 'Breakfast was toast. Email me at a@b.co. I drank 2 glasses of water.'));
    expect(out.summary).toBe('Logged breakfast (toast); water 500 ml.');
  });

  it('handles ~50 KB of text quickly with bounded output', () => {
    const out = run(agentRequest('nutrition', longText()));
    expect(out.findings['meals']).toEqual([{ meal: 'breakfast', foods: ['oatmeal'], drinks: [], skipped: false }]);
  });
});
