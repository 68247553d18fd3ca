/**
 * followup — reference agent: extracts commitments ("I will walk tomorrow", "voy a llamar al médico el
 * lunes") and things to revisit ("remind me to ...", "I need to ...") with a due time when one is said.
 *
 * Due times are structured relative values ({ days: 1 }, { weekday: 'monday' }, time "17:00"), so the
 * output is deterministic. An absolute `date` is added only when the caller injects a clock
 * (`run(request, { now })`); the agent never reads Date.now itself.
 */
import type { AgentOutput, AgentRequest } from '../contracts/agent.js';
import { redactedText } from './input.js';
import { Lexicon, isNegated, tokenize, type Token } from './text.js';

export const AGENT_NAME = 'followup';

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';
export type PartOfDay = 'morning' | 'afternoon' | 'evening' | 'night';

/** When something is due, as said: relative to the turn, plus an optional clock time. */
export interface DueTime {
  /** The due words as said, e.g. "tomorrow at 5 pm", "on Monday". */
  text: string;
  relative: {
    days?: number;
    weeks?: number;
    months?: number;
    hours?: number;
    weekday?: Weekday;
    part_of_day?: PartOfDay;
  };
  /** 24-hour clock time "HH:MM" when one was said. */
  time?: string;
  /** YYYY-MM-DD (UTC), only when a clock was injected. */
  date?: string;
}

/** A commitment or a thing to revisit. `text` comes from the redacted text. */
export interface FollowupItem {
  kind: 'commitment' | 'revisit';
  text: string;
  due?: DueTime;
}

/** Options for deterministic resolution of relative due times. */
export interface FollowupOptions {
  /** Epoch ms of the turn; when given, due times also get an absolute `date`. */
  now?: number;
}

type Kind = FollowupItem['kind'];
const TRIGGERS = new Lexicon<Kind>([
  ['i will', 'commitment'],
  ["i'll", 'commitment'],
  ["i'm going to", 'commitment'],
  ['im going to', 'commitment'],
  ['i am going to', 'commitment'],
  ["i'm gonna", 'commitment'],
  ['im gonna', 'commitment'],
  ['i plan to', 'commitment'],
  ["i'm planning to", 'commitment'],
  ['i am planning to', 'commitment'],
  ['i promise to', 'commitment'],
  ["i promise i'll", 'commitment'],
  ['i intend to', 'commitment'],
  ["i've decided to", 'commitment'],
  ['voy a', 'commitment'],
  ['vamos a', 'commitment'],
  ['prometo', 'commitment'],
  ['remind me to', 'revisit'],
  ['remind me about', 'revisit'],
  ['ask me about', 'revisit'],
  ['ask me if', 'revisit'],
  ['check in about', 'revisit'],
  ['check in on', 'revisit'],
  ['follow up on', 'revisit'],
  ['i need to', 'revisit'],
  ['i have to', 'revisit'],
  ['i should', 'revisit'],
  ['i must', 'revisit'],
  ['tengo que', 'revisit'],
  ['necesito', 'revisit'],
  ['recuerdame', 'revisit'],
]);

/** Words that end an item's text. */
const ITEM_END = new Set(['but', 'because', 'so', 'though', 'although', 'pero', 'porque', 'aunque', 'if', 'si']);
const MAX_ITEM_WORDS = 10;
const LEADING_FILLERS = new Set(['probably', 'definitely', 'really', 'also', 'just', 'then', 'actually', 'finally', 'still', 'totally', 'maybe', 'surely', 'certainly', 'soon']);
const MAX_ITEMS = 20;

const WEEKDAYS: Record<string, Weekday> = {
  monday: 'monday', tuesday: 'tuesday', wednesday: 'wednesday', thursday: 'thursday', friday: 'friday',
  saturday: 'saturday', sunday: 'sunday', lunes: 'monday', martes: 'tuesday', miercoles: 'wednesday',
  jueves: 'thursday', viernes: 'friday', sabado: 'saturday', domingo: 'sunday',
};
const PARTS: Record<string, PartOfDay> = {
  morning: 'morning', afternoon: 'afternoon', evening: 'evening', night: 'night', tarde: 'afternoon', noche: 'night',
};
const UNITS: Record<string, 'hours' | 'days' | 'weeks' | 'months'> = {
  hour: 'hours', hours: 'hours', day: 'days', days: 'days', week: 'weeks', weeks: 'weeks', month: 'months', months: 'months',
  hora: 'hours', horas: 'hours', dia: 'days', dias: 'days', semana: 'weeks', semanas: 'weeks', mes: 'months', meses: 'months',
};
const SMALL_NUMBERS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, un: 1, una: 1, dos: 2, tres: 3 };

interface DueParse {
  due: DueTime['relative'];
  time?: string;
  /** Token indexes consumed by due words (left out of the item text). */
  used: Set<number>;
}

/** Parses due expressions in tokens [from, to). */
function parseDue(tokens: readonly Token[], from: number, to: number): DueParse {
  const due: DueTime['relative'] = {};
  let time: string | undefined;
  const used = new Set<number>();
  const w = (i: number) => (i >= from && i < to ? tokens[i]!.w : '');
  const use = (...idx: number[]) => idx.forEach((i) => used.add(i));
  for (let i = from; i < to; i += 1) {
    const t = w(i);
    if (t === 'tomorrow' || (t === 'manana' && !['la', 'por', 'de', 'esta'].includes(w(i - 1)))) {
      due.days = 1;
      use(i);
    } else if (t === 'manana' && ['la', 'esta'].includes(w(i - 1))) {
      due.part_of_day = 'morning';
      use(i - 1, i);
      if (['por', 'de', 'en'].includes(w(i - 2))) use(i - 2);
    } else if (t === 'tonight') {
      due.days = 0;
      due.part_of_day = 'night';
      use(i);
    } else if (t === 'today' || t === 'hoy') {
      due.days = 0;
      use(i);
    } else if ((t === 'this' || t === 'tomorrow' || t === 'esta' || t === 'la') && PARTS[w(i + 1)]) {
      due.part_of_day = PARTS[w(i + 1)]!;
      if (t === 'this' || t === 'esta') due.days ??= 0;
      use(i, i + 1);
      if (w(i - 1) === 'por' || w(i - 1) === 'en') use(i - 1);
      i += 1;
    } else if (PARTS[t] && (w(i - 1) === 'in' || w(i - 1) === 'the') && w(i - 2) === 'in') {
      due.part_of_day = PARTS[t]!;
      use(i - 2, i - 1, i);
    } else if (PARTS[t] && (w(i - 1) === 'tomorrow' || WEEKDAYS[w(i - 1)])) {
      due.part_of_day = PARTS[t]!;
      use(i);
    } else if ((t === 'next' || t === 'proxima' || t === 'proximo') && (w(i + 1) === 'week' || w(i + 1) === 'semana')) {
      due.weeks = 1;
      use(i, i + 1);
      if (w(i - 1) === 'la') use(i - 1);
      i += 1;
    } else if (t === 'semana' && w(i + 1) === 'que' && w(i + 2) === 'viene') {
      due.weeks = 1;
      use(i, i + 1, i + 2);
      if (w(i - 1) === 'la') use(i - 1);
    } else if ((t === 'next' || t === 'proximo') && (w(i + 1) === 'month' || w(i + 1) === 'mes')) {
      due.months = 1;
      use(i, i + 1);
      i += 1;
    } else if (t === 'weekend' || t === 'finde') {
      due.weekday = 'saturday';
      use(i);
      if (w(i - 1) === 'this' || w(i - 1) === 'the') use(i - 1);
      if (w(i - 2) === 'on' || w(i - 2) === 'over') use(i - 2);
    } else if (WEEKDAYS[t]) {
      due.weekday = WEEKDAYS[t]!;
      use(i);
      if (['on', 'el', 'next', 'this', 'este', 'proximo'].includes(w(i - 1))) use(i - 1);
      if (w(i - 1) === 'next' && w(i - 2) === 'on') use(i - 2);
    } else if ((t === 'in' || t === 'en') && (SMALL_NUMBERS[w(i + 1)] !== undefined || /^\d+$/.test(w(i + 1))) && UNITS[w(i + 2)]) {
      const n = SMALL_NUMBERS[w(i + 1)] ?? Number(w(i + 1));
      due[UNITS[w(i + 2)]!] = n;
      use(i, i + 1, i + 2);
      i += 2;
    } else if ((t === 'at' || (t === 'las' && w(i - 1) === 'a')) && /^\d{1,2}$/.test(w(i + 1))) {
      let hour = Number(w(i + 1));
      let minute = 0;
      let j = i + 2;
      if (/^\d{2}$/.test(w(j)) && tokens[j]!.start === tokens[j - 1]!.end + 1) {
        minute = Number(w(j));
        j += 1;
      }
      const mer = w(j);
      if ((mer === 'pm' || mer === 'p') && hour < 12) hour += 12;
      if ((mer === 'am' || mer === 'a') && hour === 12) hour = 0;
      const hasMeridiem = mer === 'pm' || mer === 'am' || mer === 'p' || mer === 'a';
      if (hour <= 23 && minute <= 59) {
        time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
        use(i, i + 1);
        if (t === 'las') use(i - 1);
        for (let k = i + 2; k < j; k += 1) use(k);
        if (hasMeridiem) use(j);
        if (hasMeridiem && w(j + 1) === 'm') use(j + 1);
      }
    }
  }
  return { due, time, used };
}

const WEEKDAY_INDEX: Record<Weekday, number> = {
  sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6,
};

/** Resolves a relative due time against an injected clock (UTC calendar), YYYY-MM-DD. */
export function resolveDate(relative: DueTime['relative'], now: number): string {
  const d = new Date(now);
  if (relative.hours) d.setUTCHours(d.getUTCHours() + relative.hours);
  if (relative.days) d.setUTCDate(d.getUTCDate() + relative.days);
  if (relative.weeks) d.setUTCDate(d.getUTCDate() + 7 * relative.weeks);
  if (relative.months) d.setUTCMonth(d.getUTCMonth() + relative.months);
  if (relative.weekday) {
    const ahead = (WEEKDAY_INDEX[relative.weekday] - d.getUTCDay() + 7) % 7 || 7;
    d.setUTCDate(d.getUTCDate() + ahead);
  }
  return d.toISOString().slice(0, 10);
}

/** Renders tokens [a..b] from the text, skipping `skip`, keeping the original spacing between neighbours. */
function render(text: string, tokens: readonly Token[], idx: number[]): string {
  let out = '';
  for (let k = 0; k < idx.length; k += 1) {
    const t = tokens[idx[k]!]!;
    if (k > 0) {
      const prev = tokens[idx[k - 1]!]!;
      out += idx[k]! === idx[k - 1]! + 1 ? text.slice(prev.end, t.start).replace(/\s+/g, ' ') : ' ';
    }
    out += text.slice(t.start, t.end);
  }
  return out.trim();
}

const AUXILIARIES = new Set(['will', 'should', 'do', 'does', 'can', 'could', 'would', 'shall', 'am', 'is', 'are', 'must', 'have', 'need']);

/** "Will I need to fast?" asks; it commits to nothing. A question starting with an auxiliary verb. */
function isQuestion(text: string, tokens: readonly Token[], sentStart: number): boolean {
  if (!AUXILIARIES.has(tokens[sentStart]!.w)) return false;
  let last = sentStart;
  while (last + 1 < tokens.length && tokens[last + 1]!.sent === tokens[sentStart]!.sent) last += 1;
  return text.slice(tokens[last]!.end, tokens[last]!.end + 3).includes('?');
}

/** Extracts commitments and things to revisit from (redacted) text. */
export function extract(text: string, options: FollowupOptions = {}): FollowupItem[] {
  const tokens = tokenize(text);
  const triggers = TRIGGERS.scan(tokens);
  const items: FollowupItem[] = [];
  let previousEnd = 0;
  for (let n = 0; n < triggers.length && items.length < MAX_ITEMS; n += 1) {
    const m = triggers[n]!;
    const first = m.last + 1;
    const firstTok = tokens[first];
    if (!firstTok || firstTok.sent !== tokens[m.last]!.sent) continue;
    // "I will not ...", "I'll never ..." and "I don't think I'll ..." are not commitments.
    if (['not', 'never', 'no', 'nunca'].includes(firstTok.w) || isNegated(tokens, m.first, 3)) continue;
    const next = triggers[n + 1];
    let end = first;
    while (
      end < tokens.length &&
      tokens[end]!.clause === firstTok.clause &&
      !ITEM_END.has(tokens[end]!.w) &&
      (!next || end < next.first) &&
      end - first < MAX_ITEM_WORDS + 6
    ) {
      end += 1;
    }
    // Due words may also come before the trigger in the same sentence ("Tomorrow I will walk").
    let sentStart = m.first;
    while (sentStart > 0 && tokens[sentStart - 1]!.sent === tokens[m.first]!.sent) sentStart -= 1;
    if (isQuestion(text, tokens, sentStart)) continue;
    // Due words before the trigger count when they lead its clause ("Tomorrow I will walk") or open the
    // sentence as a short clause of their own ("On Monday, I'll call"); not an earlier clause about the
    // past ("Had coffee this morning, and I'll order pizza tonight").
    const lo = Math.max(sentStart, previousEnd);
    let beforeStart = m.first;
    while (beforeStart > lo && tokens[beforeStart - 1]!.clause === tokens[m.first]!.clause) beforeStart -= 1;
    if (beforeStart > lo) {
      let k = lo;
      while (k < beforeStart && tokens[k]!.clause === tokens[lo]!.clause) k += 1;
      if (k === beforeStart && k - lo <= 5) beforeStart = lo;
    }
    const after = parseDue(tokens, first, end);
    const before = parseDue(tokens, beforeStart, m.first);
    previousEnd = end;
    const relative = { ...before.due, ...after.due };
    const time = after.time ?? before.time;
    let words: number[] = [];
    for (let i = first; i < end; i += 1) if (!after.used.has(i)) words.push(i);
    // Leading hedges and fillers ("I'll probably order pizza" → "order pizza").
    while (words.length > 1 && LEADING_FILLERS.has(tokens[words[0]!]!.w)) words.shift();
    // Trailing fillers left after removing due words ("walk on" → "walk").
    while (words.length > 0 && ['on', 'at', 'in', 'by', 'el', 'a', 'the', 'and', 'y'].includes(tokens[words[words.length - 1]!]!.w)) words.pop();
    words = words.slice(0, MAX_ITEM_WORDS);
    if (words.length === 0) continue;
    const item: FollowupItem = { kind: m.value, text: render(text, tokens, words) };
    const usedBefore = [...before.used].sort((a, b) => a - b);
    const usedAfter = [...after.used].sort((a, b) => a - b);
    if (Object.keys(relative).length > 0 || time) {
      const due: DueTime = {
        text: [...usedBefore, ...usedAfter].map((i) => text.slice(tokens[i]!.start, tokens[i]!.end)).join(' '),
        relative,
      };
      if (time) due.time = time;
      if (options.now !== undefined) due.date = resolveDate(relative, options.now);
      item.due = due;
    }
    items.push(item);
  }
  return items;
}

/** Runs the followup agent over one turn. `options.now` is an injected clock (never Date.now). */
export function run(request: AgentRequest, options: FollowupOptions = {}): AgentOutput {
  const items = extract(redactedText(request), options);
  const commitments = items.filter((i) => i.kind === 'commitment');
  const revisit = items.filter((i) => i.kind === 'revisit');
  const parts: string[] = [];
  if (commitments.length > 0) parts.push(`${commitments.length} commitment${commitments.length === 1 ? '' : 's'}`);
  if (revisit.length > 0) parts.push(`${revisit.length} thing${revisit.length === 1 ? '' : 's'} to revisit`);
  return {
    agent: AGENT_NAME,
    status: 'ok',
    findings: { items, commitments, revisit },
    flags: {},
    summary: parts.length > 0 ? `Noted ${parts.join(' and ')}.` : 'No commitments or follow-ups mentioned.',
  };
}
