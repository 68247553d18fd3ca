/**
 * The safety floor against its labelled evaluation set (test/safety-eval): recall (crisis sentences
 * escalated) and false-alarm rate (harmless look-alikes escalated), overall, per category and per language.
 * The held-out part was never used while tuning; measured with `npm run bench` (bench/safety.bench.ts).
 * Floors here sit well below the measured figures so a regression fails the build, not noise.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, loadEvalSet } from '../../safety-eval/evaluate.js';

describe('safety evaluation set', () => {
  const tuning = loadEvalSet('tuning');
  const heldOut = loadEvalSet('held-out');

  it('is large, labelled both ways, in both languages, for every category', () => {
    const all = [...tuning, ...heldOut];
    expect(all.length).toBeGreaterThanOrEqual(400);
    for (const category of ['suicidal_intent', 'self_harm', 'overdose', 'abuse', 'medical_emergency']) {
      for (const lang of ['en', 'es'] as const) {
        for (const part of [tuning, heldOut]) {
          const mine = part.filter((c) => c.category === category && c.lang === lang);
          expect(mine.some((c) => c.crisis), `${category}/${lang} crisis`).toBe(true);
          expect(mine.some((c) => !c.crisis), `${category}/${lang} look-alikes`).toBe(true);
        }
      }
    }
    // The two parts do not share sentences.
    const tuned = new Set(tuning.map((c) => c.text.toLowerCase()));
    expect(heldOut.filter((c) => tuned.has(c.text.toLowerCase()))).toEqual([]);
  });

  it('tuning part: recall ≥ 0.95, false alarms ≤ 0.03', () => {
    const r = evaluate(tuning);
    expect(r.overall.recall).toBeGreaterThanOrEqual(0.95);
    expect(r.overall.falseAlarmRate).toBeLessThanOrEqual(0.03);
  });

  it('held-out part: recall ≥ 0.90 overall and ≥ 0.80 per category; false alarms ≤ 0.08 overall and ≤ 0.15 per category', () => {
    const r = evaluate(heldOut);
    expect(r.overall.recall).toBeGreaterThanOrEqual(0.9);
    expect(r.overall.falseAlarmRate).toBeLessThanOrEqual(0.08);
    for (const [category, f] of Object.entries(r.byCategory)) {
      expect(f.recall, `${category} recall`).toBeGreaterThanOrEqual(0.8);
      expect(f.falseAlarmRate, `${category} false alarms`).toBeLessThanOrEqual(0.15);
    }
    for (const [lang, f] of Object.entries(r.byLanguage)) expect(f.recall, `${lang} recall`).toBeGreaterThanOrEqual(0.85);
  });

  it('the figures are real: a screen that never escalates, or always does, fails the floors', () => {
    expect(evaluate(heldOut, () => false).overall.recall).toBe(0);
    expect(evaluate(heldOut, () => true).overall.falseAlarmRate).toBe(1);
  });
});
