/**
 * The safety evaluation set: labelled sentences in two parts — `tuning.tsv` (the floor was developed
 * against it) and `held-out.tsv` (never used while tuning; it measures what the floor does on unseen text).
 * Columns: label (1 = must escalate, 0 = must not), category (the crisis category the sentence is about or
 * looks like; `none` for ordinary sentences), language (en|es), text.
 * Used by test/unit/safety/evaluation.test.ts and bench/safety.bench.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { screenText } from '../../functions/core/safety/screen.js';

export interface EvalCase {
  crisis: boolean;
  category: string;
  lang: 'en' | 'es';
  text: string;
}

export type EvalPart = 'tuning' | 'held-out';

const here = path.dirname(fileURLToPath(import.meta.url));

export function loadEvalSet(part: EvalPart): EvalCase[] {
  const raw = fs.readFileSync(path.join(here, `${part}.tsv`), 'utf8');
  const out: EvalCase[] = [];
  for (const line of raw.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [label, category, lang, ...rest] = line.split('\t');
    const text = rest.join('\t');
    if ((label !== '0' && label !== '1') || !category || (lang !== 'en' && lang !== 'es') || !text) {
      throw new Error(`bad evaluation line in ${part}.tsv: ${line.slice(0, 60)}`);
    }
    out.push({ crisis: label === '1', category, lang, text });
  }
  return out;
}

/** Recall (crisis sentences escalated) and false-alarm rate (harmless sentences escalated) of one group. */
export interface Figures {
  crisis: number;
  caught: number;
  recall: number;
  harmless: number;
  falseAlarms: number;
  falseAlarmRate: number;
}

export interface EvalReport {
  overall: Figures;
  byCategory: Record<string, Figures>;
  byLanguage: Record<string, Figures>;
  /** Sentences the floor got wrong (for the developer; the bench prints counts only). */
  misses: EvalCase[];
  falseAlarms: EvalCase[];
}

function figures(cases: Array<{ c: EvalCase; escalated: boolean }>): Figures {
  const crisis = cases.filter((x) => x.c.crisis);
  const harmless = cases.filter((x) => !x.c.crisis);
  const caught = crisis.filter((x) => x.escalated).length;
  const fa = harmless.filter((x) => x.escalated).length;
  return {
    crisis: crisis.length,
    caught,
    recall: crisis.length === 0 ? 1 : caught / crisis.length,
    harmless: harmless.length,
    falseAlarms: fa,
    falseAlarmRate: harmless.length === 0 ? 0 : fa / harmless.length,
  };
}

export function evaluate(cases: readonly EvalCase[], screen: (text: string) => boolean = (t) => screenText(t).escalate): EvalReport {
  const results = cases.map((c) => ({ c, escalated: screen(c.text) }));
  const group = (key: (c: EvalCase) => string) => {
    const out: Record<string, Figures> = {};
    for (const k of [...new Set(cases.map(key))].sort()) out[k] = figures(results.filter((r) => key(r.c) === k));
    return out;
  };
  return {
    overall: figures(results),
    byCategory: group((c) => c.category),
    byLanguage: group((c) => c.lang),
    misses: results.filter((r) => r.c.crisis && !r.escalated).map((r) => r.c),
    falseAlarms: results.filter((r) => !r.c.crisis && r.escalated).map((r) => r.c),
  };
}
