/**
 * medication — reference agent: detects medication mentions (a built-in list of common drugs plus
 * generic words like "my meds"), doses ("10 mg"), adherence (taken / missed) and side effects, all
 * negation-aware ("I didn't take my metformin" is missed, "no nausea" is not a side effect,
 * "I never miss my pills" is taken). Symptoms count as side effects only in a turn about medication
 * (a drug named, or "side effect"); otherwise they are reported as `symptoms` only.
 */
import type { AgentOutput, AgentRequest } from '../contracts/agent.js';
import { redactedText } from './input.js';
import { confirmedMedications } from '../core/memory/confirm.js';
import { Lexicon, isNegated, joinList, parseQuantity, tokenize, type Token } from './text.js';

export const AGENT_NAME = 'medication';

export type Adherence = 'taken' | 'missed' | 'unknown';

/** One medication mention. `name` is the canonical drug name, or "medication" for "my meds". */
export interface MedicationMention {
  name: string;
  dose?: { amount: number; unit: string };
  adherence: Adherence;
  /** Taken back by a correction ("sorry, not lisinopril, it's losartan"): not a dose, not a medication. */
  retracted?: boolean;
}

/** Words that make "not X" a correction of what was said, not a missed dose. */
const CORRECTION_CUES = new Lexicon<true>(
  ['sorry', 'i meant', 'meant', 'actually', "it's", 'its', 'it is', 'rather', 'oops', 'correction', 'perdon', 'perdona',
    'quise decir', 'mejor dicho', 'en realidad', 'es', 'digo'].map((w) => [w, true] as const),
);

/** "I doubled up", "took two doses", "took it twice", "tomé doble": an extra dose (caution, not a miss). */
const DOUBLE_DOSE = new Lexicon<true>(
  ['doubled up', 'double dose', 'double up', 'doubled', 'took two doses', 'took it twice', 'took them twice', 'took twice',
    'two doses', 'extra dose', 'took an extra', 'took one too many', 'took it again', 'dosis doble', 'tome doble',
    'tome dos veces', 'dos dosis', 'me la tome dos veces', 'me las tome dos veces', 'doble dosis'].map((w) => [w, true] as const),
);

const DRUGS = [
  'metformin', 'insulin', 'lisinopril', 'atorvastatin', 'simvastatin', 'rosuvastatin', 'amlodipine', 'metoprolol',
  'losartan', 'levothyroxine', 'omeprazole', 'pantoprazole', 'albuterol', 'gabapentin', 'hydrochlorothiazide',
  'sertraline', 'fluoxetine', 'escitalopram', 'citalopram', 'bupropion', 'trazodone', 'ibuprofen', 'acetaminophen',
  'paracetamol', 'aspirin', 'prednisone', 'warfarin', 'apixaban', 'furosemide', 'montelukast', 'tramadol',
  'clopidogrel', 'glipizide', 'semaglutide', 'carvedilol', 'spironolactone', 'duloxetine', 'venlafaxine',
  'alprazolam', 'lorazepam', 'amoxicillin', 'azithromycin', 'naproxen', 'tamsulosin', 'allopurinol',
];
const BRANDS: Array<readonly [string, string]> = [
  ['tylenol', 'acetaminophen'], ['advil', 'ibuprofen'], ['motrin', 'ibuprofen'], ['eliquis', 'apixaban'],
  ['coumadin', 'warfarin'], ['lipitor', 'atorvastatin'], ['zoloft', 'sertraline'], ['prozac', 'fluoxetine'],
  ['lexapro', 'escitalopram'], ['synthroid', 'levothyroxine'], ['ozempic', 'semaglutide'], ['lasix', 'furosemide'],
  ['plavix', 'clopidogrel'], ['januvia', 'sitagliptin'], ['glucophage', 'metformin'], ['norvasc', 'amlodipine'],
  ['aspirina', 'aspirin'], ['insulina', 'insulin'], ['metformina', 'metformin'], ['ibuprofeno', 'ibuprofen'],
  ['paracetamol', 'acetaminophen'], ['vitamin d', 'vitamin d'], ['blood pressure pill', 'blood pressure medication'],
  ['blood pressure pills', 'blood pressure medication'], ['blood pressure medication', 'blood pressure medication'],
  ['blood pressure meds', 'blood pressure medication'], ['inhaler', 'inhaler'],
];
const GENERIC = ['dose', 'doses', 'dosis', 'meds', 'medication', 'medications', 'medicine', 'medicines', 'pills', 'pill', 'tablets', 'tablet', 'medicina', 'medicinas', 'pastillas', 'pastilla', 'medicamento', 'medicamentos'];
const MEDS = new Lexicon<string>([
  ...DRUGS.map((d) => [d, d] as const),
  ...BRANDS,
  ...GENERIC.map((g) => [g, 'medication'] as const),
], { fuzzy: true });

const ADHERENCE = new Lexicon<Adherence>([
  // "I take metformin" is a habit, not today's dose: neutral unless negated ("didn't take" → missed).
  ['took', 'taken'], ['taken', 'taken'], ['take', 'unknown'], ['tomo', 'unknown'], ['had', 'taken'], ['used', 'taken'], ['injected', 'taken'],
  ['tome', 'taken'], ['tomado', 'taken'], ['me tome', 'taken'], ['on time', 'taken'],
  ['missed', 'missed'], ['miss', 'missed'], ['skipped', 'missed'], ['skip', 'missed'], ['forgot', 'missed'],
  ['forget', 'missed'], ['forgotten', 'missed'], ['ran out', 'missed'], ['run out', 'missed'], ['olvide', 'missed'],
  ['se me olvido', 'missed'], ['me salte', 'missed'], ['no me tome', 'missed'], ['no tome', 'missed'],
]);

const SIDE_EFFECTS = new Lexicon<string>([
  ['nausea', 'nausea'], ['nauseous', 'nausea'], ['nauseated', 'nausea'], ['queasy', 'nausea'], ['nauseas', 'nausea'],
  ['dizzy', 'dizziness'], ['dizziness', 'dizziness'], ['lightheaded', 'dizziness'], ['mareo', 'dizziness'],
  ['mareado', 'dizziness'], ['mareada', 'dizziness'], ['mareos', 'dizziness'],
  ['headache', 'headache'], ['headaches', 'headache'], ['dolor de cabeza', 'headache'],
  ['rash', 'rash'], ['itching', 'itching'], ['itchy', 'itching'], ['hives', 'rash'],
  ['fatigue', 'fatigue'], ['tired', 'fatigue'], ['exhausted', 'fatigue'], ['cansado', 'fatigue'], ['cansada', 'fatigue'],
  ['drowsy', 'drowsiness'], ['sleepy', 'drowsiness'], ['vomiting', 'vomiting'], ['vomited', 'vomiting'], ['threw up', 'vomiting'],
  ['diarrhea', 'diarrhea'], ['constipation', 'constipation'], ['constipated', 'constipation'],
  ['dry mouth', 'dry mouth'], ['insomnia', 'insomnia'], ["can't sleep", 'insomnia'],
  ['upset stomach', 'stomach upset'], ['stomach ache', 'stomach upset'], ['stomachache', 'stomach upset'],
  ['swelling', 'swelling'], ['swollen', 'swelling'], ['muscle pain', 'muscle pain'], ['cough', 'cough'],
]);

const SIDE_EFFECT_WORDS = new Lexicon<true>(
  ['side effect', 'side effects', 'efecto secundario', 'efectos secundarios', 'reaction'].map((w) => [w, true] as const),
);

/** Negation flips an adherence verb: "didn't miss" → taken, "didn't take" → missed. */
function flip(a: Adherence): Adherence {
  if (a === 'missed') return 'taken';
  // taken → missed; a neutral "take" negated ("didn't take") is missed too.
  return 'missed';
}

const DOSE_UNITS = new Set(['mg', 'mcg', 'ug', 'g', 'units', 'unit', 'iu', 'ml', 'tablets', 'tablet', 'pills', 'pill', 'puffs', 'puff', 'capsules', 'capsule']);

function doseNear(tokens: readonly Token[], first: number, last: number): MedicationMention['dose'] {
  const clause = tokens[first]!.clause;
  for (let i = Math.max(0, first - 3); i <= last + 4 && i + 1 < tokens.length; i += 1) {
    if (i >= first && i <= last) continue;
    if (tokens[i]!.clause !== clause) continue;
    const unit = tokens[i + 1]!.w;
    if (!DOSE_UNITS.has(unit) || (i + 1 >= first && i + 1 <= last)) continue;
    const amount = parseQuantity(tokens[i]!.w);
    if (amount !== undefined && /\d/.test(tokens[i]!.w)) return { amount, unit };
  }
  return undefined;
}

/** Pronouns and words that make a bare adherence verb about the doses asked for: "yes, I took them". */
const DOSE_OBJECTS = new Set(['them', 'it', 'all', 'both', 'everything', 'los', 'las', 'la', 'todo', 'todas', 'todos']);

/**
 * A bare answer like "Yes, I took them all" or "I forgot" (no drug named) when the current checkpoint asks
 * about medication: the adherence verb followed by a pronoun, or ending its clause.
 */
function bareAdherence(tokens: readonly Token[], hits: ReadonlyArray<{ value: Adherence; last: number }>): Adherence | undefined {
  for (const h of hits) {
    const next = tokens[h.last + 1];
    if (!next || next.clause !== tokens[h.last]!.clause || DOSE_OBJECTS.has(next.w)) return h.value;
  }
  return undefined;
}

/** Options: whether the conversation is currently asking about medication (enables bare answers). */
export interface MedicationContext {
  askingAboutMedication?: boolean;
}

/** Extracts medication mentions, overall adherence and side effects from (redacted) text. */
export function extract(text: string, ctx: MedicationContext = {}): {
  medications: MedicationMention[];
  /** Overall adherence; null when nothing was said about taking or missing a dose. */
  adherence: Adherence | 'mixed' | null;
  /** An extra dose was taken ("I doubled up by mistake"). */
  double_dose: boolean;
  side_effects: string[];
  symptoms: string[];
  negated_side_effects: string[];
} {
  const tokens = tokenize(text);
  const adherenceHits = ADHERENCE.scan(tokens).map((h) => ({
    ...h,
    value: isNegated(tokens, h.first, 3) ? flip(h.value) : h.value,
  }));
  const bySentence = new Map<number, typeof adherenceHits>();
  for (const h of adherenceHits) {
    const sent = tokens[h.first]!.sent;
    bySentence.set(sent, [...(bySentence.get(sent) ?? []), h].slice(0, 20));
  }
  const medications: MedicationMention[] = [];
  for (const m of MEDS.scan(tokens)) {
    // Adherence comes from a verb in the same sentence, nearest first (before the drug preferred).
    const inSentence = bySentence.get(tokens[m.first]!.sent) ?? [];
    const byDistance = inSentence
      .map((h) => ({ h, d: h.first < m.first ? m.first - h.last : (h.first - m.last) + 0.5 }))
      .sort((a, b) => a.d - b.d);
    // "I take metformin and I took it this morning": a definite verb (took / missed) beats the habitual "take".
    let adherence: Adherence = (byDistance.find((x) => x.h.value !== 'unknown') ?? byDistance[0])?.h.value ?? 'unknown';
    // "Sorry, not lisinopril, it's losartan": a negated drug in a sentence that corrects itself is taken back.
    const sentence = tokens.filter((t) => t.sent === tokens[m.first]!.sent);
    const retracted = isNegated(tokens, m.first, 2) && CORRECTION_CUES.scan(sentence).length > 0 && MEDS.scan(sentence).length > 1;
    // "no medication today", "sin medicina" with no verb: missed.
    if (adherence === 'unknown' && isNegated(tokens, m.first, 2) && !retracted) adherence = 'missed';
    if (retracted) adherence = 'unknown';
    const mention: MedicationMention = { name: m.value, adherence };
    if (retracted) mention.retracted = true;
    const dose = doseNear(tokens, m.first, m.last);
    if (dose) mention.dose = dose;
    const existing = medications.find((x) => x.name === mention.name);
    if (!existing) medications.push(mention);
    else if (existing.adherence === 'unknown') existing.adherence = mention.adherence;
    if (medications.length >= 20) break;
  }
  if (medications.length === 0 && ctx.askingAboutMedication) {
    const bare = bareAdherence(tokens, adherenceHits);
    if (bare) medications.push({ name: 'medication', adherence: bare });
  }
  // A specific drug makes a generic "my meds" in the same turn redundant.
  const specific = medications.filter((m) => m.name !== 'medication');
  const meds = specific.length > 0 ? [...specific, ...medications.filter((m) => m.name === 'medication' && m.adherence !== 'unknown' && !specific.some((s) => s.adherence === m.adherence))] : medications;
  // An extra dose is a dose taken (cautioned by the responder), never a missed one.
  const double_dose = DOUBLE_DOSE.scan(tokens).some((h) => !isNegated(tokens, h.first, 2));
  if (double_dose) for (const m of meds) if (m.adherence === 'missed' && !m.retracted) m.adherence = 'taken';
  const states = new Set(meds.filter((m) => !m.retracted).map((m) => m.adherence).filter((a) => a !== 'unknown'));
  let adherence: Adherence | 'mixed' | null = states.size === 0 ? null : states.size > 1 ? 'mixed' : [...states][0]!;
  if (double_dose && adherence === null) adherence = 'taken';
  const symptoms: string[] = [];
  const negated_side_effects: string[] = [];
  for (const s of SIDE_EFFECTS.scan(tokens)) {
    const list = isNegated(tokens, s.first, 4) ? negated_side_effects : symptoms;
    if (!list.includes(s.value)) list.push(s.value);
  }
  // "just tired" is a symptom; it is a side effect only when the turn is about medication.
  const aboutMedication = meds.length > 0 || SIDE_EFFECT_WORDS.scan(tokens).length > 0;
  return { medications: meds, adherence, double_dose, side_effects: aboutMedication ? symptoms : [], symptoms, negated_side_effects };
}

/** True when the current checkpoint or task is about medication (its question names medication). */
export function askingAboutMedication(request: Pick<AgentRequest, 'checkpoint' | 'task'>): boolean {
  if (request.task?.service === 'medication') return true;
  const cp = request.checkpoint;
  if (!cp) return false;
  return MEDS.scan(tokenize(`${cp.question} ${cp.description}`, 1000)).length > 0;
}

/** Runs the medication agent over one turn. */
export function run(request: AgentRequest): AgentOutput {
  const asking = askingAboutMedication(request);
  const found = extract(redactedText(request), { askingAboutMedication: asking });
  // "Are you still taking metformin?" — "Yes": the remembered medications are confirmed (#16).
  if (asking && found.medications.every((m) => m.name === 'medication' && m.adherence === 'unknown')) {
    const confirmed = confirmedMedications(request.memory, redactedText(request));
    if (confirmed.length > 0) found.medications = confirmed;
  }
  const parts: string[] = [];
  const taken = found.medications.filter((m) => m.adherence === 'taken').map((m) => m.name);
  const missed = found.medications.filter((m) => m.adherence === 'missed').map((m) => m.name);
  if (found.double_dose) parts.push('an extra dose');
  const other = found.medications.filter((m) => m.adherence === 'unknown').map((m) => m.name);
  if (taken.length > 0) parts.push(`taken: ${joinList(taken)}`);
  if (missed.length > 0) parts.push(`missed: ${joinList(missed)}`);
  if (other.length > 0) parts.push(`mentioned: ${joinList(other)}`);
  if (found.side_effects.length > 0) parts.push(`side effects: ${joinList(found.side_effects)}`);
  return {
    agent: AGENT_NAME,
    status: 'ok',
    findings: found,
    flags: {},
    summary: parts.length > 0 ? `Medication ${parts.join('; ')}.` : 'No medication mentioned.',
  };
}
