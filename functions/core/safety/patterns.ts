/**
 * A tiny phrase-pattern language for the crisis screen, compiled to regular expressions that run over a
 * sentence's normalised tokens joined by single spaces. Space-separated items:
 *
 *   word          the token itself              a|b|c    one of several, also (a|b|c); + joins words: be+dead
 *   word*         any token starting with word  item?    optional
 *   ~N            up to N arbitrary tokens      #        a number (captured)
 *   $             end of the sentence
 *
 * Every quantifier is bounded and each item consumes whole tokens, so a match costs O(tokens × pattern).
 */

/** A compiled pattern. */
export interface Pattern {
  source: string;
  re: RegExp;
  /**
   * Words of which at least one must be in the sentence for the pattern to match (the alternatives of its
   * most selective required item), or null when no item qualifies. Checked with a Set before the regex runs:
   * most sentences share no word with most patterns, so most regexes never run.
   */
  anchors: Set<string> | null;
}

function anchorsOf(items: readonly string[]): Set<string> | null {
  let best: Set<string> | null = null;
  for (const item of items) {
    if (item.endsWith('?') || item.startsWith('~') || item === '#' || item === '$') continue;
    const alts = item.replace(/^\(/, '').replace(/\)$/, '').split('|');
    if (alts.some((a) => a.split('+')[0]!.endsWith('*'))) continue;
    const words = new Set(alts.map((a) => a.split('+')[0]!));
    if (best === null || words.size < best.size) best = words;
  }
  return best;
}

function escapeWord(w: string): string {
  return w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileWord(word: string): string {
  if (word.endsWith('*')) return `${escapeWord(word.slice(0, -1))}\\S*`;
  return escapeWord(word);
}

function compileItem(item: string): string {
  const gap = /^~(\d+)$/.exec(item);
  if (gap) return `(?:\\S+ ){0,${gap[1]}}`;
  if (item === '#') return '(\\d+(?:\\.\\d+)?) ';
  if (item === '$') return '$';
  const optional = item.endsWith('?') && item.length > 1;
  const body = (optional ? item.slice(0, -1) : item).replace(/^\(/, '').replace(/\)$/, '');
  const alts = body.split('|').map((alt) => alt.split('+').map(compileWord).join(' '));
  const group = `(?:${alts.join('|')}) `;
  return optional ? `(?:${group})?` : group;
}

/** Compiles one pattern of the language above. */
export function compile(source: string): Pattern {
  const items = source.trim().split(/\s+/);
  return { source, re: new RegExp(`(?<= )${items.map(compileItem).join('')}`, 'g'), anchors: anchorsOf(items) };
}

/** A sentence prepared for matching: " tok tok tok " and the token index of every character offset. */
export interface Prepared {
  text: string;
  /** Character offset of a token's first character → token index. */
  startOf: Map<number, number>;
  /** Character offset just after a token → token index. */
  endOf: Map<number, number>;
  /** The sentence's distinct tokens. */
  words: Set<string>;
}

function mayMatch(pattern: Pattern, sentence: Prepared): boolean {
  const anchors = pattern.anchors;
  if (anchors === null) return true;
  if (sentence.words.size < anchors.size) {
    for (const w of sentence.words) if (anchors.has(w)) return true;
    return false;
  }
  for (const w of anchors) if (sentence.words.has(w)) return true;
  return false;
}

export function prepare(tokens: readonly string[]): Prepared {
  const startOf = new Map<number, number>();
  const endOf = new Map<number, number>();
  let text = ' ';
  tokens.forEach((t, i) => {
    startOf.set(text.length, i);
    text += t;
    endOf.set(text.length, i);
    text += ' ';
  });
  return { text, startOf, endOf, words: new Set(tokens) };
}

/** One match: first and last token index and the captured number, if any. */
export interface PatternMatch {
  first: number;
  last: number;
  number?: number;
}

/** Every (non-overlapping) match of the pattern in the sentence. */
export function matchAll(pattern: Pattern, sentence: Prepared): PatternMatch[] {
  const out: PatternMatch[] = [];
  if (!mayMatch(pattern, sentence)) return out;
  pattern.re.lastIndex = 0;
  for (const m of sentence.text.matchAll(pattern.re)) {
    if (m[0].length === 0) continue;
    const first = sentence.startOf.get(m.index);
    // The match ends with the space after its last token (or at the end of the text for `$`).
    const endPos = m[0].endsWith(' ') ? m.index + m[0].length - 1 : m.index + m[0].length;
    const last = sentence.endOf.get(endPos);
    if (first === undefined || last === undefined) continue;
    const match: PatternMatch = { first, last };
    if (m[1] !== undefined) match.number = Number(m[1]);
    out.push(match);
  }
  return out;
}

/** True when any of the patterns matches anywhere in the sentence. */
export function anyMatch(patterns: readonly Pattern[], sentence: Prepared): boolean {
  for (const p of patterns) {
    if (!mayMatch(p, sentence)) continue;
    p.re.lastIndex = 0;
    if (p.re.test(sentence.text)) return true;
  }
  return false;
}
