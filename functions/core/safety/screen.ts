/**
 * The crisis screen: the deterministic floor of the safety path. Pure and synchronous (no network, no
 * model), so it runs in-process on every turn — including turns held while a conversation is paused —
 * whatever the configured human_intervention agent does. The reference human_intervention agent uses it too.
 *
 * A rule (rules.ts) that matches a sentence's normalised tokens fires unless:
 *   - figurative: an idiom overlaps the match ("dying to see", "stroke of bad luck", "kill time");
 *   - the rule's own `unless` context is in the sentence ("cut myself a slice", "chest hurts from laughing",
 *     "beats me at chess"), or its `with` context is missing from the text;
 *   - negated: a negator precedes it in its clause ("no chest pain", "I would never kill myself");
 *     "can't stop", "no one", "don't know" are not negations;
 *   - another person is the subject, for rules about the writer ("my friend said she wants to die",
 *     "my grandfather had a stroke"). Decision: reports about someone else do not pause the writer's
 *     conversation — the floor protects the patient who is talking; abuse rules (someone does something to
 *     the writer) are exempt because the other person is the subject by nature;
 *   - resolved history: a history marker in the sentence ("years ago", "used to", "when I was 19") and no
 *     current marker ("now", "again", "tonight") in the match's clause, or a past-tense match and a
 *     resolution marker ("but I'm doing better now"). Recent past ("last night", "an hour ago") is not history.
 * Imminence words ("tonight", "plan", "pills") raise suicidal and self-harm matches to critical.
 */
import {
  CURRENT_MARKERS,
  HISTORY_MARKERS,
  IDIOMS,
  IMMINENCE,
  PAST_WORDS,
  RESOLUTION_MARKERS,
  RULES,
  type RuleSpec,
} from './rules.js';
import { normalise, type Sentence } from './normalize.js';
import { anyMatch, compile, matchAll, prepare, type Pattern, type Prepared } from './patterns.js';
import { SEVERITY_RANK, type CrisisCategory, type Severity } from './types.js';

/** One finding: category, severity and the rule id (never the user's words). */
export interface CrisisSignal {
  category: CrisisCategory;
  severity: Severity;
  signal: string;
}

/** Why a match was not counted. */
export type SuppressionReason = 'figurative' | 'context' | 'negated' | 'other_person' | 'history';

/** The screen's verdict on one text. */
export interface ScreenResult {
  /** True when at least one signal fired: the conversation needs a person. */
  escalate: boolean;
  /** The most severe signal's category and severity (null when nothing fired). */
  category: CrisisCategory | null;
  severity: Severity | null;
  /** Every fired signal, most severe first; one per rule. */
  signals: CrisisSignal[];
  /** Matches that were suppressed, with the reason (rule ids only). */
  suppressed: Array<{ signal: string; category: CrisisCategory; reason: SuppressionReason }>;
}

interface CompiledRule {
  spec: RuleSpec;
  patterns: Pattern[];
  unless: Pattern[];
  with: Pattern[];
}

const compileAll = (sources: readonly string[] | undefined): Pattern[] => (sources ?? []).map(compile);
const COMPILED: CompiledRule[] = RULES.map((spec) => ({
  spec,
  patterns: compileAll(spec.patterns),
  unless: compileAll(spec.unless),
  with: compileAll(spec.with),
}));
const IDIOM_PATTERNS = compileAll(IDIOMS);
const CURRENT = compileAll(CURRENT_MARKERS);
const HISTORY = compileAll(HISTORY_MARKERS);
const RESOLUTION = compileAll(RESOLUTION_MARKERS);
const IMMINENT = compileAll(IMMINENCE);

const NEGATORS = new Set([
  'no', 'not', 'never', 'without', 'nor', 'neither', 'deny', 'denies', 'denied', 'cannot', 'none', 'nothing',
  'nunca', 'sin', 'ni', 'jamas', 'tampoco', 'nada', 'ningun', 'ninguna',
]);
/** A negator directly before one of these does not negate what follows ("can't stop thinking about ..."). */
const NOT_A_NEGATION_BEFORE = new Set([
  'stop', 'help', 'quit', 'resist', 'one', 'only', 'matter', 'sure', 'wait', 'know', 'think', 'care', 'dunno',
  'se', 'puedo+dejar', 'longer', 'even', 'escape', 'shake', 'get', 'see', 'handle', 'take', 'cope', 'deal', 'bear',
]);
/** Words that end a negation's (and a subject's) scope. */
const SCOPE_BREAKERS = new Set([
  'but', 'and', 'though', 'although', 'however', 'yet', 'if', 'whether', 'because', 'since', 'until', 'so',
  'pero', 'y', 'aunque', 'porque', 'si', 'sino', 'then', 'now', 'today', 'hoy', 'ahora', 'why', 'when', 'what',
  'how', 'that', 'que', 'cuando', 'por', 'unless', 'except',
]);
const NEGATION_WINDOW = 5;

const SELF_WORDS = new Set(['i', 'me', 'myself', 'we', 'us', 'yo', 'mi', 'mio', 'nosotros']);
const OTHER_WORDS = new Set([
  'he', 'she', 'they', 'them', 'his', 'her', 'hers', 'their', 'someone', 'somebody', 'everyone', 'everybody',
  'people', 'anyone', 'friend', 'friends', 'mom', 'mother', 'mum', 'dad', 'father', 'husband', 'wife', 'son',
  'daughter', 'brother', 'sister', 'grandma', 'grandmother', 'grandpa', 'grandfather', 'grandson', 'granddaughter',
  'uncle', 'aunt', 'cousin', 'nephew', 'niece', 'neighbor', 'neighbour', 'coworker', 'colleague', 'boss', 'partner',
  'boyfriend', 'girlfriend', 'kid', 'kids', 'child', 'children', 'baby', 'patient', 'roommate', 'man', 'woman', 'guy',
  'girl', 'boy', 'lady', 'teacher', 'doctor', 'nurse', 'caregiver', 'aide', 'spouse', 'fiance', 'family',
  'relative', 'character', 'celebrity', 'actor', 'singer', 'dog', 'cat', 'pet', 'grandkids', 'grandchildren',
  'ella', 'ellas', 'ellos', 'amigo', 'amiga', 'amigos', 'mama', 'madre', 'papa', 'padre', 'esposo', 'esposa',
  'marido', 'mujer', 'hijo', 'hija', 'hermano', 'hermana', 'abuelo', 'abuela', 'nieto', 'nieta', 'tio', 'tia',
  'primo', 'prima', 'vecino', 'vecina', 'novio', 'novia', 'pareja', 'jefe', 'companero', 'companera', 'alguien',
  'gente', 'todos', 'paciente', 'perro', 'gato', 'senor', 'senora',
]);
const SUBJECT_WINDOW = 8;

function isOther(word: string): boolean {
  return OTHER_WORDS.has(word) || (word.endsWith('s') && OTHER_WORDS.has(word.slice(0, -1)));
}

function negated(sentence: Sentence, first: number): boolean {
  const clause = sentence.clause[first];
  for (let j = first - 1; j >= 0 && j >= first - NEGATION_WINDOW; j -= 1) {
    if (sentence.clause[j] !== clause) return false;
    const w = sentence.tokens[j]!;
    if (SCOPE_BREAKERS.has(w)) return false;
    if (NEGATORS.has(w)) {
      const next = sentence.tokens[j + 1];
      if (next !== undefined && NOT_A_NEGATION_BEFORE.has(next)) continue;
      // "no puedo dejar de pensar en matarme" ("I can't stop thinking about killing myself").
      if (w === 'no' && next === 'puedo' && sentence.tokens[j + 2] === 'dejar') continue;
      return true;
    }
  }
  return false;
}

const INSIDE_NEGATORS = new Set(['never', 'not', 'no', 'nunca', 'jamas']);

/** "my husband never hits me": a negator inside the match that the pattern itself does not spell. */
function negatedInside(sentence: Sentence, first: number, last: number, pattern: Pattern): boolean {
  for (let k = first; k <= last; k += 1) {
    const w = sentence.tokens[k]!;
    if (INSIDE_NEGATORS.has(w) && !new RegExp(`(^|[ |+(])${w}([ |+)]|$)`).test(pattern.source)) return true;
  }
  return false;
}

/** The nearest subject-like word before the match in its clause decides who it is about. */
function aboutSomeoneElse(sentence: Sentence, first: number, last: number): boolean {
  for (let k = first; k <= last; k += 1) if (SELF_WORDS.has(sentence.tokens[k]!)) return false;
  const clause = sentence.clause[first];
  for (let j = first - 1; j >= 0 && j >= first - SUBJECT_WINDOW; j -= 1) {
    if (sentence.clause[j] !== clause) return false;
    const w = sentence.tokens[j]!;
    if (SELF_WORDS.has(w)) return false;
    // Spanish "he pensado" (I have thought) is not English "he".
    if (w === 'he' && /(?:ado|ido|ando|iendo|echo|isto|ierto)$/.test(sentence.tokens[j + 1] ?? '')) return false;
    if (isOther(w)) return true;
  }
  return false;
}

function clauseOf(sentence: Sentence, index: number): Prepared {
  const clause = sentence.clause[index];
  return prepare(sentence.tokens.filter((_, i) => sentence.clause[i] === clause));
}

function overlapsIdiom(prepared: Prepared, first: number, last: number): boolean {
  for (const idiom of IDIOM_PATTERNS) {
    for (const m of matchAll(idiom, prepared)) if (m.first <= last && m.last >= first) return true;
  }
  return false;
}

interface TextView {
  sentences: Sentence[];
  prepared: Prepared[];
  /** Some sentence says it is happening again ("the thoughts are back", "again"), not negated. */
  recurrence: boolean;
  resolution: boolean;
}

function view(text: string): TextView {
  const sentences = normalise(text);
  const prepared = sentences.map((s) => prepare(s.tokens));
  return {
    sentences,
    prepared,
    recurrence: prepared.some((p) => / (?:again|back|returned|otra vez|de nuevo|volvieron|volvio) /.test(p.text)),
    resolution: prepared.some((p) => anyMatch(RESOLUTION, p)),
  };
}

function historical(v: TextView, s: number, first: number, last: number): boolean {
  const sentence = v.sentences[s]!;
  const clause = clauseOf(sentence, first);
  if (anyMatch(CURRENT, clause)) return false;
  if (anyMatch(HISTORY, v.prepared[s]!)) return !v.recurrence;
  if (v.resolution) {
    for (let k = Math.max(0, first - 4); k <= last; k += 1) if (PAST_WORDS.has(sentence.tokens[k]!)) return true;
  }
  return false;
}

/** Screens one text. */
export function screenText(text: string): ScreenResult {
  const v = view(text);
  const fired = new Map<string, CrisisSignal>();
  const suppressed: ScreenResult['suppressed'] = [];
  const imminent = v.prepared.some((p) => anyMatch(IMMINENT, p));
  for (const rule of COMPILED) {
    const { spec } = rule;
    if (rule.with.length > 0 && !v.prepared.some((p) => anyMatch(rule.with, p))) continue;
    for (let s = 0; s < v.sentences.length && !fired.has(spec.id); s += 1) {
      const sentence = v.sentences[s]!;
      const prepared = v.prepared[s]!;
      for (const pattern of rule.patterns) {
        for (const m of matchAll(pattern, prepared)) {
          if (m.number !== undefined && spec.number !== undefined && !spec.number(m.number)) continue;
          let reason: SuppressionReason | null = null;
          if (overlapsIdiom(prepared, m.first, m.last)) reason = 'figurative';
          else if (rule.unless.length > 0 && anyMatch(rule.unless, prepared)) reason = 'context';
          else if (spec.negatable !== false && negated(sentence, m.first)) reason = 'negated';
          else if (spec.negationInside && negatedInside(sentence, m.first, m.last, pattern)) reason = 'negated';
          else if ((spec.subject ?? 'self') === 'self' && aboutSomeoneElse(sentence, m.first, m.last)) reason = 'other_person';
          else if (spec.history !== false && historical(v, s, m.first, m.last)) reason = 'history';
          if (reason !== null) {
            suppressed.push({ signal: spec.id, category: spec.category, reason });
            continue;
          }
          const severity: Severity = spec.imminence && imminent ? 'critical' : spec.severity;
          fired.set(spec.id, { category: spec.category, severity, signal: spec.id });
          break;
        }
        if (fired.has(spec.id)) break;
      }
    }
  }
  const signals = [...fired.values()].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const worst = signals[0];
  return {
    escalate: worst !== undefined,
    category: worst?.category ?? null,
    severity: worst?.severity ?? null,
    signals,
    suppressed,
  };
}
