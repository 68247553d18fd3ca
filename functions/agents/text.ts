/**
 * Text utilities shared by the reference agents: a linear tokenizer, a phrase lexicon matched over
 * tokens (no regex built from word lists, so no catastrophic backtracking), negation scope, and a
 * stable hash for deterministic phrasing. Pure; no I/O.
 *
 * Work is capped: agents other than privacy analyse at most MAX_ANALYSIS_CHARS of a turn, so a
 * 50 KB paste costs the same as a 20 KB one. Privacy redacts the whole text (a cap there would leak).
 */

import { distance } from 'fastest-levenshtein';

/** Characters of a turn the analysing agents look at (the rest is ignored, never echoed). */
export const MAX_ANALYSIS_CHARS = 20_000;

/** One word of the text, folded (lower case, accents removed) with its span in the original text. */
export interface Token {
  /** Folded form used for matching: "Café" → "cafe", "don’t" → "don't". */
  w: string;
  start: number;
  end: number;
  /** Sentence index (splits on . ! ? ; and newlines). */
  sent: number;
  /** Clause index (also splits on commas, colons, parentheses and dashes between words). */
  clause: number;
}

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Lower-cases, removes accents and normalises apostrophes, so "Mañana" and "manana" match. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(COMBINING_MARKS, '').replace(/[’‘`]/g, "'").toLowerCase();
}

// Redaction placeholders ([EMAIL]), numbers (with one decimal part) or words with inner apostrophes. Every quantifier is over a
// disjoint class, so the match is linear in the input length.
const TOKEN_RE = /\[[A-Z_]{2,20}\]|\d+(?:[.,]\d+)?|[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const SENTENCE_GAP = /[.!?;\n¡¿]/;
const CLAUSE_GAP = /[,()\u2013\u2014]|\s-\s/;

/** Splits text into tokens, looking at most at `maxChars` characters. */
export function tokenize(text: string, maxChars = MAX_ANALYSIS_CHARS): Token[] {
  const slice = text.length > maxChars ? text.slice(0, maxChars) : text;
  const tokens: Token[] = [];
  let sent = 0;
  let clause = 0;
  let prevEnd = 0;
  for (const m of slice.matchAll(TOKEN_RE)) {
    const start = m.index;
    const gap = slice.slice(prevEnd, start);
    if (tokens.length > 0) {
      if (SENTENCE_GAP.test(gap)) {
        sent += 1;
        clause += 1;
      } else if (CLAUSE_GAP.test(gap)) {
        clause += 1;
      }
    }
    tokens.push({ w: fold(m[0]), start, end: start + m[0].length, sent, clause });
    prevEnd = start + m[0].length;
  }
  return tokens;
}

/** Number of words in the text (capped like the analysis). */
export function countWords(text: string): number {
  return tokenize(text).length;
}

/** A phrase found by a Lexicon: token range [first, last] and character span. */
export interface LexMatch<V> {
  value: V;
  phrase: string;
  first: number;
  last: number;
  start: number;
  end: number;
}

/**
 * A list of phrases matched against tokens, longest match first, non-overlapping.
 * A phrase ending in `*` matches any token starting with its last word ("vomit*" → vomiting).
 */
export class Lexicon<V> {
  private readonly byFirst = new Map<string, Array<{ parts: string[]; phrase: string; value: V }>>();
  private readonly prefixes: Array<{ parts: string[]; phrase: string; value: V }> = [];
  private readonly fuzzy: boolean;

  /** `fuzzy`: also match words misspelt within a small edit distance ("oatmel", "brekfast", "lisinoprill"). */
  constructor(entries: ReadonlyArray<readonly [string, V]>, options: { fuzzy?: boolean } = {}) {
    this.fuzzy = options.fuzzy === true;
    for (const [phrase, value] of entries) {
      const folded = fold(phrase);
      const parts = [...folded.matchAll(TOKEN_RE)].map((m) => m[0]);
      if (folded.endsWith('*') && parts.length > 0) parts[parts.length - 1] += '*';
      if (parts.length === 0) continue;
      const entry = { parts, phrase, value };
      if (parts[0]!.endsWith('*')) {
        this.prefixes.push(entry);
        continue;
      }
      const list = this.byFirst.get(parts[0]!) ?? [];
      list.push(entry);
      this.byFirst.set(parts[0]!, list);
    }
    for (const list of this.byFirst.values()) list.sort((a, b) => b.parts.length - a.parts.length);
  }

  /** Every non-overlapping match, in text order. */
  scan(tokens: readonly Token[]): Array<LexMatch<V>> {
    const out: Array<LexMatch<V>> = [];
    let i = 0;
    while (i < tokens.length) {
      const found = this.matchAt(tokens, i);
      if (found) {
        out.push(found);
        i = found.last + 1;
      } else {
        i += 1;
      }
    }
    return out;
  }

  private fuzzyCandidates(word: string): Array<{ parts: string[]; phrase: string; value: V }> {
    if (!this.fuzzy || typoBudget(word.length) === 0 || this.byFirst.has(word)) return [];
    const out: Array<{ parts: string[]; phrase: string; value: V }> = [];
    for (const [first, list] of this.byFirst) if (nearWord(word, first)) out.push(...list);
    return out;
  }

  private matchAt(tokens: readonly Token[], i: number): LexMatch<V> | undefined {
    const candidates = [...(this.byFirst.get(tokens[i]!.w) ?? []), ...this.prefixes, ...this.fuzzyCandidates(tokens[i]!.w)];
    let best: LexMatch<V> | undefined;
    for (const c of candidates) {
      if (i + c.parts.length > tokens.length) continue;
      let ok = true;
      for (let k = 0; k < c.parts.length; k += 1) {
        const part = c.parts[k]!;
        const w = tokens[i + k]!.w;
        if (part.endsWith('*') ? !w.startsWith(part.slice(0, -1)) : w !== part && !(this.fuzzy && nearWord(w, part))) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const last = i + c.parts.length - 1;
      if (!best || last > best.last) {
        best = { value: c.value, phrase: c.phrase, first: i, last, start: tokens[i]!.start, end: tokens[last]!.end };
      }
    }
    return best;
  }
}

/** Edit distance a word of this length may be off by and still be the same word (short words must match). */
export function typoBudget(length: number): number {
  return length >= 8 ? 2 : length >= 6 ? 1 : 0;
}

/** True when `word` is `target` or `target` misspelt (same first letter, within the typo budget). */
export function nearWord(word: string, target: string): boolean {
  if (word === target) return true;
  const budget = typoBudget(Math.min(word.length, target.length));
  if (budget === 0 || word[0] !== target[0] || Math.abs(word.length - target.length) > budget) return false;
  return distance(word, target) <= budget;
}

/** Words that negate what follows them in the same clause (English and Spanish). */
const NEGATORS = new Set([
  'no', 'not', 'never', 'without', 'neither', 'nor', 'none', 'denies', 'deny', 'denied',
  "don't", "didn't", "doesn't", "isn't", "wasn't", "aren't", "weren't", "haven't", "hasn't", "hadn't",
  "can't", 'cannot', "won't", "wouldn't", "shouldn't", "ain't",
  'dont', 'didnt', 'doesnt', 'isnt', 'wasnt', 'havent', 'hasnt', 'cant', 'wont',
  'nunca', 'sin', 'ni', 'jamas', 'tampoco',
]);
/** "can't stop", "no one", "not only": the negator does not negate the following phrase. */
const NOT_A_NEGATION_BEFORE = new Set(['stop', 'help', 'quit', 'resist', 'one', 'only', 'matter', 'sure', 'wait']);
/** Words that end a negation's scope. */
const SCOPE_BREAKERS = new Set([
  'but', 'and', 'though', 'although', 'however', 'yet', 'if', 'whether', 'because', 'since', 'until',
  'pero', 'y', 'aunque', 'porque', 'si', 'sino', 'mas', 'then', 'now', 'today', 'hoy', 'ahora',
]);

/**
 * True when the token at `index` sits in the scope of a negator within `window` words before it in
 * the same clause: "no chest pain", "I'm not suicidal", "never thought of hurting myself".
 * "I can't stop thinking about ..." is deliberately not a negation.
 */
export function isNegated(tokens: readonly Token[], index: number, window = 4): boolean {
  const here = tokens[index];
  if (!here) return false;
  for (let j = index - 1; j >= 0 && j >= index - window; j -= 1) {
    const t = tokens[j]!;
    if (t.clause !== here.clause) return false;
    if (SCOPE_BREAKERS.has(t.w)) return false;
    if (NEGATORS.has(t.w)) {
      const next = tokens[j + 1];
      if (next && NOT_A_NEGATION_BEFORE.has(next.w)) continue;
      return true;
    }
  }
  return false;
}

/** FNV-1a 32-bit: a stable hash for deterministic variety (same input → same phrasing). */
export function stableHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i += 1) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Picks one of `options` by a stable hash of `seed`. */
export function pick<T>(options: readonly T[], seed: string): T {
  return options[stableHash(seed) % options.length]!;
}

/** Joins items as natural English: "a", "a and b", "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Parses "2", "1.5", "1,5" (decimal comma) or a small number word ("two", "dos", "a"). */
export function parseQuantity(word: string): number | undefined {
  if (/^\d+(?:[.,]\d+)?$/.test(word)) {
    const normalised = /^\d+,\d{3}$/.test(word) ? word.replace(',', '') : word.replace(',', '.');
    const n = Number(normalised);
    return Number.isFinite(n) ? n : undefined;
  }
  return NUMBER_WORDS[word];
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, half: 0.5, couple: 2, few: 3, several: 3,
  un: 1, una: 1, uno: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10,
  medio: 0.5, media: 0.5,
};
