/**
 * THE one adapter from a turn's agent outputs to memory facts (issue #16). Everything the memory learns goes
 * through `extractMemoryFacts`, so when the plans / checkpoint values change shape (#10: typed slot values),
 * only this file changes.
 *
 * Sources, all structured: the followup agent's `items` (commitments), the medication agent's `medications`
 * (canonical names, dose, adherence), and — for the checkpoint the turn answered — a small classification of
 * the (privacy-redacted) answer into an enum: mood good/okay/low, sleep good/okay/poor, the outcome of the
 * commitment asked about done/partial/missed, a medication stopped. The user's words are never stored; only
 * the commitment's short phrase as the followup agent extracted it (after redaction) and a preferred name the
 * person asked to be called by.
 */
import type { AgentMemory, AgentOutput } from '../../contracts/agent.js';
import { detectLanguage, type Language } from '../language.js';
import { MEMORY_LIMITS, type MemoryFacts } from './schema.js';

/** What a turn offers to learn from. */
export interface TurnForMemory {
  plan: string;
  /** The checkpoint the turn's question was about (current when the turn started), if any. */
  checkpoint_id: string | null;
  /** The user's text after the privacy agent's redaction (classification only; never stored). */
  redacted_text: string;
  /** The user's text as sent: read only for an explicit "call me <Name>". */
  text: string;
  /** Ok outputs of this turn's agents (followup, medication), by agent name. */
  findings: Readonly<Record<string, AgentOutput | undefined>>;
  /** What the conversation was given from memory (to resolve "how did it go?" and "still taking?"). */
  memory: AgentMemory | null;
}

const words = (text: string) => text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');

function has(text: string, patterns: readonly RegExp[]): boolean {
  return patterns.some((p) => p.test(text));
}

const NEGATED = /\b(not|no|never|n't|isn't|wasn't|didn't|nada|ni)\s+(?:\w+\s+)?$/;

/** Classify a mood answer. Null when no mood word is present. */
export function classifyMood(text: string): 'good' | 'okay' | 'low' | null {
  const t = words(text);
  const find = (re: RegExp) => {
    const m = re.exec(t);
    return m ? !NEGATED.test(t.slice(Math.max(0, m.index - 24), m.index)) : null;
  };
  const low = find(/\b(sad|low|down|depressed|anxious|stressed|awful|terrible|bad|worse|lonely|triste|mal|deprimid[oa]|ansios[oa]|fatal)\b/);
  if (low) return 'low';
  const good = find(/\b(good|great|happy|well|better|wonderful|fantastic|excellent|bien|feliz|genial|mejor|contento|contenta)\b/);
  if (good === false) return 'low'; // "not good"
  const okay = /\b(ok|okay|fine|alright|all right|so-so|not bad|meh|regular|mas o menos)\b/.test(t);
  if (okay) return 'okay';
  if (good) return 'good';
  return null;
}

/** Classify a sleep answer. Null when nothing about sleep quality is said. */
export function classifySleep(text: string): 'good' | 'okay' | 'poor' | null {
  const t = words(text);
  const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, una: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10 };
  const hours = /\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez)(?:\.\d)?\s*(?:hours|hrs|h|horas)\b/.exec(t);
  if (/\b(badly|poorly|terribl[ey]|awful|insomnia|barely|couldn'?t sleep|could not sleep|woke up (?:a lot|several|many|often)|kept waking|restless|no dormi|mal|fatal)\b/.test(t)) return 'poor';
  if (/\bnot (?:well|good|great)\b/.test(t)) return 'poor';
  if (hours) {
    const h = NUMBER_WORDS[hours[1]!] ?? Number(hours[1]);
    return h >= 7 ? 'good' : h >= 5 ? 'okay' : 'poor';
  }
  if (/\b(well|great|good|rested|like a baby|soundly|deeply|bien|genial)\b/.test(t)) return 'good';
  if (/\b(ok|okay|fine|alright|so-so|not bad|regular)\b/.test(t)) return 'okay';
  return null;
}

/** Classify how a commitment went ("I did it" / "only twice" / "I forgot"). Null when unclear. */
export function classifyOutcome(text: string): 'done' | 'partial' | 'missed' | null {
  const t = words(text);
  if (has(t, [/\b(partly|partially|some of|a bit|a little|halfway|half|once|sort of|kind of|mostly|un poco|a medias|algo)\b/, /\btried\b/, /\bintente\b/])) return 'partial';
  if (has(t, [/\b(didn'?t|did not|couldn'?t|could not|wasn'?t able|forgot|failed|skipped|missed|never|no pude|no lo hice|se me olvido|olvide)\b/, /^\s*(no|nope|not really)\b/])) return 'missed';
  if (has(t, [/\b(did|done|managed|completed|finished|went|walked|yes|yeah|yep|great|well|every day|lo hice|si|cumpli|fui|bien)\b/])) return 'done';
  return null;
}

const STOP = /\b(stopped|stop taking|quit|no longer|not taking|don'?t take|discontinued|came off|deje|ya no)\b/;

function sentences(text: string): string[] {
  return words(text).split(/[.!?;\n]+/).filter((s) => s.trim().length > 0);
}

interface MedicationMention {
  name: string;
  dose?: { amount: number; unit: string };
  adherence?: 'taken' | 'missed' | 'unknown';
}

function medicationMentions(output: AgentOutput | undefined): MedicationMention[] {
  const list = output?.findings['medications'];
  if (!Array.isArray(list)) return [];
  const out: MedicationMention[] = [];
  for (const m of list as Array<Record<string, unknown>>) {
    const name = typeof m?.['name'] === 'string' ? m['name'].toLowerCase().trim() : '';
    // "my meds" (the generic word) is not a medication we can remember by name.
    if (name === '' || name === 'medication' || name.length > 60) continue;
    const dose = m['dose'] as { amount?: unknown; unit?: unknown } | undefined;
    const adherence = m['adherence'];
    out.push({
      name,
      ...(dose && typeof dose.amount === 'number' && Number.isFinite(dose.amount) && typeof dose.unit === 'string' && dose.unit.length <= 16
        ? { dose: { amount: dose.amount, unit: dose.unit } }
        : {}),
      ...(adherence === 'taken' || adherence === 'missed' || adherence === 'unknown' ? { adherence } : {}),
    });
  }
  return out;
}

/** "call me Ana", "my name is Ana", "me llamo Ana", "llámame Ana" → "Ana". */
export function preferredName(text: string): string | null {
  const m = /\b(?:call me|my name is|i go by|me llamo|ll[aá]mame)\s+([A-ZÁÉÍÓÚÑ][\p{L}'-]{0,39})/u.exec(text);
  return m ? m[1]! : null;
}

/** The facts this turn teaches (empty object when none). */
export function extractMemoryFacts(turn: TurnForMemory): MemoryFacts {
  const facts: MemoryFacts = {};
  const cp = turn.checkpoint_id ?? '';

  const items = turn.findings['followup']?.findings['items'];
  if (Array.isArray(items)) {
    const commitments = (items as Array<Record<string, unknown>>)
      .filter((i) => i?.['kind'] === 'commitment' && typeof i['text'] === 'string' && (i['text'] as string).trim() !== '')
      .slice(0, 5)
      .map((i) => {
        const due = (i['due'] as { text?: unknown } | undefined)?.text;
        return {
          text: (i['text'] as string).trim().slice(0, MEMORY_LIMITS.commitmentChars),
          ...(typeof due === 'string' && due.trim() !== '' ? { due: due.trim().slice(0, MEMORY_LIMITS.dueChars) } : {}),
        };
      });
    if (commitments.length > 0) facts.commitments = commitments;
  }

  // The outcome of the commitment this conversation asked about (accountability's review question).
  const asked = turn.memory?.last_commitment;
  if (asked && /review|outcome|last_commitment/.test(cp)) {
    const status = classifyOutcome(turn.redacted_text);
    if (status) facts.commitment_outcome = { commitment_id: asked.id, status };
  }

  const mentions = medicationMentions(turn.findings['medication']);
  const stoppedIn = sentences(turn.redacted_text).filter((s) => STOP.test(s));
  const meds: NonNullable<MemoryFacts['medications']> = mentions.map((m) => ({
    name: m.name,
    status: stoppedIn.some((s) => s.includes(m.name)) ? 'stopped' : 'active',
    ...(m.dose ? { dose: m.dose } : {}),
    ...(m.adherence ? { adherence: m.adherence } : {}),
  }));
  // A correction of what we remembered: "No, I don't take metformin anymore" answers "Are you still taking
  // metformin?" with no other name → the known ones not named again are stopped.
  const known = turn.memory?.medications ?? [];
  if (known.length > 0 && /meds_list|medication/.test(cp)) {
    const t = words(turn.redacted_text).trim();
    const denies = /^(no|nope|not anymore|ya no)\b/.test(t) || STOP.test(t);
    if (denies) {
      for (const k of known) {
        if (!meds.some((m) => m.name === k.name) && (stoppedIn.some((s) => s.includes(k.name)) || mentions.length === 0 || /^(no|nope)\b/.test(t))) {
          meds.push({ name: k.name, status: 'stopped' });
        }
      }
    }
  }
  if (meds.length > 0) facts.medications = meds.slice(0, 20);

  if (/mood|feel/.test(cp)) {
    const mood = classifyMood(turn.redacted_text);
    if (mood) facts.mood = mood;
  }
  if (/sleep/.test(cp)) {
    const sleep = classifySleep(turn.redacted_text);
    if (sleep) facts.sleep = sleep;
  }

  const name = preferredName(turn.text);
  if (name && name !== turn.memory?.preferences.preferred_name) facts.preferred_name = name;

  // The language: a change of a known one is a fact of its own; an unknown one rides along with other facts
  // (so a chat of small talk does not cost a memory write per turn).
  const knownLanguage: Language | undefined = turn.memory?.preferences.language;
  const language = detectLanguage(turn.redacted_text, knownLanguage ?? 'en');
  if (knownLanguage !== undefined ? language !== knownLanguage : Object.keys(facts).length > 0 && turn.redacted_text.trim().split(/\s+/).length >= 3) {
    facts.language = language;
  }
  return facts;
}
