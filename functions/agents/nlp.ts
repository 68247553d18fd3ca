/**
 * Language understanding shared by the reference agents, on two small, well-kept libraries:
 * - nlp.js stemmers (`@nlpjs/lang-en-min` Porter, `@nlpjs/lang-es` Snowball): "walked", "walking" and
 *   "walks" meet "walk"; "desayunamos" meets "desayunar";
 * - `fastest-levenshtein`: typo tolerance ("oatmel", "bananna", "brekfast", "lisinoprill").
 * Chosen over `natural` (≈ 1 MB bundled), full nlp.js (its language packs ≈ 150 KB each with sentiment
 * lexicons) and `compromise` (365 KB, English only): the stemmers of both languages plus Levenshtein add
 * ≈ 70 KB minified to the agents bundle (measured with esbuild --bundle --minify).
 *
 * On top: a concept lexicon matched by stem or near-spelling (`ConceptLexicon`), polarity of a turn
 * (`sentimentOf`), and the conversational intents every agent needs — stop, refusal, yes/no, "none".
 */
import StemmerEn from '@nlpjs/lang-en-min/src/stemmer-en.js';
import StemmerEs from '@nlpjs/lang-es/src/stemmer-es.js';
import { fold, isNegated, nearWord, tokenize, type Token } from './text.js';

const en = new StemmerEn();
const es = new StemmerEs();
const stemCache = new Map<string, readonly [string, string]>();

/** English and Spanish stems of a folded word (cached; bounded). */
export function stems(word: string): readonly [string, string] {
  let hit = stemCache.get(word);
  if (hit === undefined) {
    hit = [en.stemWord(word), es.stemWord(word)] as const;
    if (stemCache.size > 20_000) stemCache.clear();
    stemCache.set(word, hit);
  }
  return hit;
}

/** True when `word` is `target` misspelt (same first letter, within the typo budget). */
export const nearSpelling = nearWord;

/** A concept found in text: its value and the token range. */
export interface ConceptHit<V> {
  value: V;
  first: number;
  last: number;
}

/**
 * Words and short phrases → concepts, matched over tokens by exact form, by stem (either language), or by a
 * near spelling. Multi-word phrases match word by word the same way. Longest match first, non-overlapping.
 */
export class ConceptLexicon<V> {
  private readonly entries: Array<{ parts: string[]; value: V; stemmed: Array<readonly [string, string]> }> = [];
  private readonly byFirstLetter = new Map<string, number[]>();

  constructor(entries: ReadonlyArray<readonly [string, V]>) {
    for (const [phrase, value] of entries) {
      const parts = tokenize(phrase, 200).map((t) => t.w);
      if (parts.length === 0) continue;
      const index = this.entries.length;
      this.entries.push({ parts, value, stemmed: parts.map((p) => stems(p)) });
      const letter = parts[0]![0]!;
      this.byFirstLetter.set(letter, [...(this.byFirstLetter.get(letter) ?? []), index]);
    }
    for (const list of this.byFirstLetter.values()) list.sort((a, b) => this.entries[b]!.parts.length - this.entries[a]!.parts.length);
  }

  private wordMatches(token: string, part: string, stemmed: readonly [string, string]): boolean {
    if (token === part) return true;
    if (token.length >= 4 && part.length >= 4) {
      const s = stems(token);
      if ((s[0] === stemmed[0] && s[0].length >= 3) || (s[1] === stemmed[1] && s[1].length >= 4)) return true;
    }
    return nearSpelling(token, part);
  }

  /** Every non-overlapping match in text order. */
  scan(tokens: readonly Token[]): Array<ConceptHit<V>> {
    const out: Array<ConceptHit<V>> = [];
    let i = 0;
    while (i < tokens.length) {
      const candidates = this.byFirstLetter.get(tokens[i]!.w[0] ?? '') ?? [];
      let found: ConceptHit<V> | undefined;
      for (const index of candidates) {
        const e = this.entries[index]!;
        if (i + e.parts.length > tokens.length) continue;
        let ok = true;
        for (let k = 0; k < e.parts.length && ok; k += 1) ok = this.wordMatches(tokens[i + k]!.w, e.parts[k]!, e.stemmed[k]!);
        if (ok && (found === undefined || i + e.parts.length - 1 > found.last)) {
          found = { value: e.value, first: i, last: i + e.parts.length - 1 };
        }
      }
      if (found) {
        out.push(found);
        i = found.last + 1;
      } else {
        i += 1;
      }
    }
    return out;
  }

  /** Distinct values found (in text order), optionally leaving out negated mentions. */
  values(tokens: readonly Token[], options: { skipNegated?: boolean } = {}): V[] {
    const out: V[] = [];
    for (const h of this.scan(tokens)) {
      if (options.skipNegated && isNegated(tokens, h.first, 3)) continue;
      if (!out.includes(h.value)) out.push(h.value);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Sentiment: how the turn sounds, so a reply never cheers at bad news.
// ---------------------------------------------------------------------------------------------------------

export type Polarity = 'positive' | 'negative' | 'neutral' | 'mixed';

const POSITIVE = new ConceptLexicon<number>(
  [
    'good', 'great', 'fine', 'well', 'happy', 'better', 'wonderful', 'fantastic', 'excellent', 'amazing', 'rested',
    'relaxed', 'calm', 'glad', 'enjoy', 'enjoyed', 'lovely', 'nice', 'awesome', 'okay', 'ok', 'alright', 'grateful',
    'energized', 'energetic', 'peaceful', 'cheerful', 'content', 'excited', 'proud', 'hopeful', 'slept like a baby',
    'bien', 'genial', 'feliz', 'contento', 'contenta', 'mejor', 'tranquilo', 'tranquila', 'descansado', 'descansada',
    'excelente', 'estupendo', 'animado', 'animada', 'bueno', 'buena', 'perfecto', 'maravilloso',
  ].map((w) => [w, w === 'okay' || w === 'ok' || w === 'fine' || w === 'alright' ? 0.5 : 1] as const),
);
const NEGATIVE = new ConceptLexicon<number>(
  [
    'bad', 'badly', 'terrible', 'awful', 'horrible', 'sad', 'down', 'low', 'tired', 'exhausted', 'stressed',
    'anxious', 'worried', 'worry', 'lonely', 'alone', 'sick', 'ill', 'pain', 'hurt', 'hurts', 'dizzy', 'dizziness',
    'nausea', 'nauseous', 'headache', 'rough', 'worse', 'worst', 'meh', 'miserable', 'depressed', 'angry', 'upset',
    'frustrated', 'overwhelmed', 'scared', 'afraid', 'struggling', 'awake', 'insomnia', 'restless', 'crap', 'crappy',
    'lousy', 'killing me', 'not great', 'not good', 'not well', 'so so', 'so-so', 'grief', 'cry', 'crying', 'missed',
    'forgot', 'ran out', 'woke up', 'toss and turn', 'tossed and turned', 'barely', 'no energy',
    'mal', 'triste', 'cansado', 'cansada', 'agotado', 'agotada', 'estresado', 'estresada', 'preocupado',
    'preocupada', 'solo', 'sola', 'enfermo', 'enferma', 'dolor', 'mareo', 'mareado', 'mareada', 'peor', 'fatal',
    'ansioso', 'ansiosa', 'deprimido', 'deprimida', 'desvelado', 'desvelada', 'olvide', 'regular', 'nauseas',
  ].map((w) => [w, w === 'meh' || w === 'regular' || w === 'so so' ? 0.5 : 1] as const),
);

/** Polarity of a text: negation-aware ("not bad" is mildly positive, "not good" negative). */
export function sentimentOf(textOrTokens: string | readonly Token[]): { polarity: Polarity; positive: number; negative: number } {
  const tokens = typeof textOrTokens === 'string' ? tokenize(textOrTokens) : textOrTokens;
  let positive = 0;
  let negative = 0;
  for (const h of POSITIVE.scan(tokens)) {
    if (isNegated(tokens, h.first, 3)) negative += h.value;
    else positive += h.value;
  }
  for (const h of NEGATIVE.scan(tokens)) {
    const phrase = h.last > h.first;
    if (!phrase && isNegated(tokens, h.first, 3)) positive += 0.5;
    else negative += h.value;
  }
  const polarity: Polarity =
    positive > 0 && negative > 0 ? (positive >= negative * 2 ? 'positive' : negative >= positive * 2 ? 'negative' : 'mixed') : positive > 0 ? 'positive' : negative > 0 ? 'negative' : 'neutral';
  return { polarity, positive, negative };
}

// ---------------------------------------------------------------------------------------------------------
// Conversational intents.
// ---------------------------------------------------------------------------------------------------------

const STOP = new ConceptLexicon<true>(
  [
    'can we stop', 'can we stop now', 'lets stop', "let's stop", 'stop here', 'i have to go', 'i need to go',
    'i gotta go', 'gotta go', 'got to go', 'have to run', 'i must go', 'talk later', 'talk to you later', 'bye',
    'goodbye', 'good bye', 'see you', 'see ya', "that's all for today", 'thats all for today', 'enough for today',
    "i'm done for today", 'im done for today', 'no more questions', 'stop asking', 'end the chat', 'end this',
    'podemos parar', 'podemos terminar', 'tengo que irme', 'me tengo que ir', 'ya me voy', 'me voy', 'adios',
    'hasta luego', 'hasta manana', 'nos vemos', 'chao', 'chau', 'ya no quiero seguir', 'terminemos', 'basta por hoy',
    'paremos', 'dejemos aqui', 'luego hablamos',
  ].map((w) => [w, true] as const),
);

const DECLINE = new ConceptLexicon<true>(
  [
    "i'd rather not", 'id rather not', 'i would rather not', 'rather not say', 'rather not talk', "i don't want to say",
    "i don't want to talk about", "i don't want to answer", 'dont want to answer', 'dont want to talk about',
    'not comfortable', 'prefer not', 'i prefer not', 'none of your business', 'pass', 'skip', 'skip this',
    'skip that', 'next question', "i'd rather skip", 'no comment', "i won't answer", 'not going to answer',
    'prefiero no', 'prefiero no decir', 'prefiero no hablar', 'no quiero hablar', 'no quiero decir',
    'no quiero responder', 'no quiero contestar', 'paso', 'siguiente pregunta', 'no te voy a decir', 'no me siento comodo',
    'no me siento comoda',
  ].map((w) => [w, true] as const),
);

const YES = new Set(['yes', 'yeah', 'yep', 'yup', 'sure', 'definitely', 'absolutely', 'ok', 'okay', 'alright', 'of course', 'certainly', 'please', 'si', 'claro', 'vale', 'desde luego', 'por supuesto', 'dale', 'bueno', 'sounds good', 'that would help', 'why not', 'i would', "i'd like that", 'me gustaria', 'seguro', 'fine', 'agree', 'i agree', 'no problem', 'go ahead', 'sin problema', 'de acuerdo']);
const NO = new Set(['no', 'nope', 'nah', 'not really', 'no thanks', 'no thank you', 'never', 'not at all', 'para nada', 'no gracias', 'negative', "i don't think so", 'i dont think so', 'creo que no', 'tampoco', 'not interested', 'no me interesa']);
const NONE = new Set(['none', 'nothing', 'no one', 'nobody', 'nada', 'ninguno', 'ninguna', 'nadie', 'nothing at all', 'not any', 'no side effects', 'nothing really', 'nope nothing', 'no nothing', 'nada de nada', 'all good', 'todo bien', 'all fine', 'anything is fine', 'everything is fine', 'todo esta bien']);

function phraseSet(set: ReadonlySet<string>): ConceptLexicon<string> {
  return new ConceptLexicon<string>([...set].map((w) => [w, w] as const));
}
const YES_LEX = phraseSet(YES);
const NO_LEX = phraseSet(NO);
const NONE_LEX = phraseSet(NONE);

/** True when the patient asks to stop the conversation for now. */
export function wantsToStop(tokens: readonly Token[]): boolean {
  return STOP.scan(tokens).some((h) => !isNegated(tokens, h.first, 2) || tokens[h.first]?.w === 'no');
}

/** True when the patient refuses to answer ("I'd rather not say", "prefiero no decir", "pass"). */
export function refuses(tokens: readonly Token[]): boolean {
  const hits = DECLINE.scan(tokens);
  return hits.some((h) => {
    const w = tokens[h.first]!.w;
    // "pass" / "skip" / "paso" alone refuse; inside a sentence they are ordinary words ("my wife passed",
    // "pass the salt", "I skip breakfast").
    if (h.first === h.last && /^(pass|paso|skip|next)/.test(w)) return tokens.length <= 3 && ['pass', 'paso', 'skip'].includes(w);
    return true;
  });
}

/** Yes / no of a short answer ("yeah sure" → true, "nope" → false), or null when neither or both. */
export function yesNo(tokens: readonly Token[]): boolean | null {
  const lead = tokens.slice(0, 6);
  const yes = YES_LEX.scan(lead).filter((h) => !isNegated(lead, h.first, 2)).length > 0;
  const no = NO_LEX.scan(lead).length > 0;
  if (yes === no) return null;
  return yes;
}

/** True when the answer is "none / nothing / nobody" (or their Spanish). */
export function saysNone(tokens: readonly Token[]): boolean {
  if (NONE_LEX.scan(tokens).length > 0) return true;
  // A bare "no" / "nope" answering a list question means none.
  return tokens.length <= 3 && tokens.length > 0 && ['no', 'nope', 'nah'].includes(tokens[0]!.w);
}

/** A number said as digits or a word ("seven", "siete"), with its token index. */
export function numbersIn(tokens: readonly Token[]): Array<{ value: number; index: number }> {
  const out: Array<{ value: number; index: number }> = [];
  tokens.forEach((t, index) => {
    if (/^\d+(?:[.,]\d+)?$/.test(t.w)) out.push({ value: Number(t.w.replace(',', '.')), index });
    else if (NUMBER_WORDS[t.w] !== undefined) out.push({ value: NUMBER_WORDS[t.w]!, index });
  });
  return out;
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  cero: 0, uno: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10, doce: 12,
};

/** Folded tokens of a text (re-exported for agents that only need words). */
export function words(text: string): Token[] {
  return tokenize(text);
}

export { fold };
