/**
 * Text normalisation for the crisis screen: fold (lower case, no accents, one apostrophe), split into
 * sentences and clauses, expand chat slang and contractions ("kms" → "kill myself", "wanna" → "want to",
 * "can't" → "cannot"), undo leetspeak inside words ("su1c1de"), and correct misspellings of the screen's
 * own keywords with a bounded edit distance ("sucidal" → "suicidal", "myslef" → "myself").
 *
 * Linear in the input: one token regex over disjoint classes, a map lookup per token, and a Levenshtein
 * distance (fastest-levenshtein) only for unknown words against a few dozen keywords of similar length.
 */
import { distance } from 'fastest-levenshtein';

/** Characters of a turn the screen looks at (the API accepts 8000). */
export const MAX_SCREEN_CHARS = 10_000;

/** A sentence of normalised tokens; `clause[i]` is the clause index of token i within the sentence. */
export interface Sentence {
  tokens: string[];
  clause: number[];
}

const COMBINING = /[\u0300-\u036f]/g;

/** Lower-case, strip accents, unify apostrophes: "Mañana", "don’t" → "manana", "don't". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(COMBINING, '').replace(/[’‘`´]/g, "'").toLowerCase();
}

// Numbers (with one decimal part), words with inner apostrophes / leet digits, or punctuation that splits.
const TOKEN_RE = /\d+(?:[.,]\d+)?(?![\p{L}])|[\p{L}@$][\p{L}\p{N}@$]*(?:'[\p{L}]+)*|[.!?;¡¿\n]|[,:()\u2013\u2014]|\s-\s/gu;
const SENTENCE_END = /^[.!?;¡¿\n]$/;
const CLAUSE_END = /^(?:[,:()\u2013\u2014]|\s-\s)$/;
/** Words that start a new clause (they end negation and subject scope). */
const CLAUSE_WORDS = new Set(['but', 'though', 'although', 'however', 'whereas', 'pero', 'aunque', 'sino', 'mientras']);

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/** Slang, chat spellings and contractions → their plain words (after folding and apostrophe removal). */
const EXPANSIONS: Record<string, string> = {
  kms: 'kill myself',
  kmsl: 'kill myself',
  wanna: 'want to',
  wana: 'want to',
  gonna: 'going to',
  gona: 'going to',
  gotta: 'got to',
  tryna: 'trying to',
  finna: 'going to',
  im: 'i am',
  ima: 'i am going to',
  imma: 'i am going to',
  ive: 'i have',
  its: 'it is',
  hes: 'he is',
  shes: 'she is',
  theyre: 'they are',
  youre: 'you are',
  dont: 'do not',
  doesnt: 'does not',
  didnt: 'did not',
  cant: 'cannot',
  couldnt: 'could not',
  wont: 'will not',
  wouldnt: 'would not',
  shouldnt: 'should not',
  isnt: 'is not',
  arent: 'are not',
  wasnt: 'was not',
  werent: 'were not',
  havent: 'have not',
  hasnt: 'has not',
  hadnt: 'had not',
  aint: 'am not',
  idk: 'i dunno',
  rn: 'right now',
  tn: 'tonight',
  tonite: 'tonight',
  '2nite': 'tonight',
  u: 'you',
  ur: 'your',
  pls: 'please',
  cuz: 'because',
  coz: 'because',
  bc: 'because',
  sewerslide: 'suicide',
  suicde: 'suicide',
  ded: 'dead',
  ppl: 'people',
  // Spanish chat spellings.
  kiero: 'quiero',
  qiero: 'quiero',
  xq: 'porque',
  pq: 'porque',
  q: 'que',
  k: 'que',
  tmb: 'tambien',
  tb: 'tambien',
};

/** "od'd", "o.d.": the apostrophe forms are expanded before apostrophes are dropped. */
const APOSTROPHE_FORMS: Record<string, string> = { "od'd": 'overdosed', "od'ed": 'overdosed', "i'd": 'i would' };

/**
 * Keywords the screen is built on that are long and distinctive enough to be recovered from a typo.
 * Short or common words (die, kill, cut, hit) are never fuzzed: "hill" must not become "kill".
 */
const FUZZY_TARGETS = [
  'suicide', 'suicidal', 'myself', 'overdose', 'overdosed', 'overdosing', 'breathe', 'breathing', 'bleeding',
  'unconscious', 'headache', 'insulin', 'warfarin', 'seizure', 'swelling', 'swollen', 'drooping', 'slurred',
  'slurring', 'allergic', 'anaphylaxis', 'anaphylactic', 'throat', 'numbness', 'abusing', 'abusive', 'threatened',
  'strangled', 'killing', 'anymore', 'confused', 'vomiting', 'thinking', 'unalive', 'living', 'depressed',
  'matarme', 'morirme', 'suicidarme', 'suicidio', 'respirar', 'sangrando', 'pastillas', 'cortarme', 'lastimarme',
  'quitarme', 'viviendo', 'insulina', 'garganta', 'confundido', 'confundida', 'sobredosis', 'hinchada', 'hinchado',
  'morir', 'quiero', 'desaparecer', 'amenazo', 'warfarina', 'sintrom', 'medicinas', 'pensando', 'viviendo',
];
const FUZZY_SET = new Set(FUZZY_TARGETS);
/** Real words within one or two edits of a keyword: never corrected. */
const NOT_TYPOS = new Set([
  'breeding', 'pleading', 'bleeping', 'breather', 'breathes', 'breathed', 'thanking', 'thinks', 'drinking',
  'shrinking', 'living', 'giving', 'loving', 'leaving', 'moving', 'saving', 'having', 'diving', 'driving',
  'swelling', 'smelling', 'spelling', 'selling', 'telling', 'yelling', 'filling', 'billing', 'willing', 'milling',
  'confuses', 'confused', 'threaten', 'threatens', 'throats', 'thread', 'insular', 'seizures', 'myself',
  'himself', 'herself', 'itself', 'yourself', 'ourselves', 'themselves', 'thyself', 'oneself', 'mystery',
  'quieres', 'quiere', 'quieren', 'quiera', 'quieto', 'quieta', 'morira', 'morire', 'moria', 'morder', 'mover',
  'suicides', 'amenaza', 'anymore', 'anyone', 'allergies', 'allergy', 'abusers', 'abuses', 'killings',
  'throttle', 'vomited', 'sufficient', 'suffice',
]);

/** Two adjacent letters swapped ("myslef" → "myself"): one slip, though Levenshtein counts two. */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i += 1;
  return i < a.length - 1 && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

function fuzzyCorrect(word: string): string {
  if (word.length < 5 || FUZZY_SET.has(word) || NOT_TYPOS.has(word) || /\d/.test(word)) return word;
  const budget = word.length >= 8 ? 2 : 1;
  let best = word;
  let bestDistance = budget + 1;
  for (const target of FUZZY_TARGETS) {
    if (target[0] !== word[0] || Math.abs(target.length - word.length) > budget) continue;
    const d = isTransposition(word, target) ? 1 : distance(word, target);
    if (d < bestDistance) {
      best = target;
      bestDistance = d;
    }
  }
  return best;
}

function deLeet(word: string): string {
  // Only inside words that start with a letter: "10mg" and "2pm" stay numbers.
  if (!/^[a-z]/.test(word) || !/[0-9@$]/.test(word)) return word;
  return word.replace(/[0-9@$]/g, (c) => LEET[c] ?? c);
}

/** Normalises one word into one or more plain words. */
function normaliseWord(raw: string): string[] {
  const special = APOSTROPHE_FORMS[raw];
  if (special !== undefined) return special.split(' ');
  let w = deLeet(raw.replace(/'/g, ''));
  if (w === 'u') return ['you'];
  w = w.replace(/(\p{L})\1{2,}/gu, '$1$1'); // "sooooo" → "soo", "pleeease" → "pleease"
  const expanded = EXPANSIONS[w];
  if (expanded !== undefined) return expanded.split(' ');
  return [fuzzyCorrect(w)];
}

/** Splits and normalises a text into sentences of plain tokens (at most MAX_SCREEN_CHARS are read). */
export function normalise(text: string): Sentence[] {
  const folded = fold(text.length > MAX_SCREEN_CHARS ? text.slice(0, MAX_SCREEN_CHARS) : text);
  const sentences: Sentence[] = [];
  let current: Sentence = { tokens: [], clause: [] };
  let clause = 0;
  const close = () => {
    if (current.tokens.length > 0) sentences.push(current);
    current = { tokens: [], clause: [] };
    clause = 0;
  };
  for (const m of folded.matchAll(TOKEN_RE)) {
    const raw = m[0];
    if (SENTENCE_END.test(raw)) {
      close();
      continue;
    }
    if (CLAUSE_END.test(raw)) {
      if (current.tokens.length > 0) clause += 1;
      continue;
    }
    for (const w of /^\d/.test(raw) ? [raw.replace(',', '.')] : normaliseWord(raw)) {
      if (CLAUSE_WORDS.has(w) && current.tokens.length > 0) clause += 1;
      current.tokens.push(w);
      current.clause.push(clause);
    }
  }
  close();
  return sentences;
}
