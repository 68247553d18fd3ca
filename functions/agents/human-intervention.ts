/**
 * human_intervention — reference agent: flags crisis and safety language (suicidal intent, self-harm,
 * overdose, abuse, medical emergencies such as chest pain or stroke signs) so the orchestrator pauses the
 * conversation for a person from the care team.
 *
 * Negation-aware for the common cases ("I'm not suicidal", "no chest pain", "never thought of hurting
 * myself"), but deliberately not for "I can't stop thinking about ...": a missed crisis costs more than
 * an unnecessary call. `flags.reason` is a category name, never the user's words.
 */
import type { AgentOutput, AgentRequest } from '../contracts/agent.js';
import { Lexicon, isNegated, tokenize } from './text.js';

export const AGENT_NAME = 'human_intervention';

export type CrisisCategory = 'suicidal_intent' | 'self_harm' | 'overdose' | 'abuse' | 'medical_emergency';
export type Severity = 'low' | 'medium' | 'high' | 'critical';

const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

type Signal = readonly [CrisisCategory, Severity];
/** Null marks an innocent phrase that contains a trigger ("I fell asleep", "a stroke of luck"). */
type Entry = Signal | null;
const S = (c: CrisisCategory, s: Severity): Signal => [c, s];

const ABUSERS = ['he', 'she', 'they', 'husband', 'wife', 'partner', 'boyfriend', 'girlfriend', 'son', 'daughter', 'caregiver'];
const ABUSE_VERBS = ['hits', 'hit', 'beats', 'beat', 'kicks', 'kicked', 'chokes', 'choked', 'slaps', 'slapped', 'hurts', 'hurt'];

const PHRASES: ReadonlyArray<readonly [string, Entry]> = [
  // Innocent phrases, matched first because the longest match wins.
  ['i fell asleep', null],
  ['fell asleep', null],
  ['i fell in love', null],
  ['i fell behind', null],
  ['i fell for', null],
  ['stroke of luck', null],
  ['stroke of genius', null],
  ['heat stroke', null],
  // Clearly past history ("since my stroke"); an acute "I had a heart attack this morning" still escalates.
  ...['after my', 'since my', 'after the', 'since the', 'after his', 'after her'].flatMap((p) => [
    [`${p} stroke`, null] as const,
    [`${p} heart attack`, null] as const,
  ]),
  // Suicidal intent (English, Spanish).
  ['kill myself', S('suicidal_intent', 'critical')],
  ['killing myself', S('suicidal_intent', 'critical')],
  ['killed myself', S('suicidal_intent', 'critical')],
  ['end my life', S('suicidal_intent', 'critical')],
  ['ending my life', S('suicidal_intent', 'critical')],
  ['take my own life', S('suicidal_intent', 'critical')],
  ['taking my own life', S('suicidal_intent', 'critical')],
  ['end it all', S('suicidal_intent', 'critical')],
  ['suicidal', S('suicidal_intent', 'high')],
  ['suicide', S('suicidal_intent', 'medium')],
  ['want to die', S('suicidal_intent', 'high')],
  ['wanna die', S('suicidal_intent', 'high')],
  ['wish i was dead', S('suicidal_intent', 'high')],
  ['wish i were dead', S('suicidal_intent', 'high')],
  ['better off dead', S('suicidal_intent', 'high')],
  ['better off without me', S('suicidal_intent', 'high')],
  ["don't want to live", S('suicidal_intent', 'high')],
  ['do not want to live', S('suicidal_intent', 'high')],
  ["don't want to be alive", S('suicidal_intent', 'high')],
  ['no longer want to live', S('suicidal_intent', 'high')],
  ['no reason to live', S('suicidal_intent', 'high')],
  ['quiero morir', S('suicidal_intent', 'high')],
  ['quiero morirme', S('suicidal_intent', 'high')],
  ['matarme', S('suicidal_intent', 'critical')],
  ['suicidarme', S('suicidal_intent', 'critical')],
  ['quitarme la vida', S('suicidal_intent', 'critical')],
  ['no quiero vivir', S('suicidal_intent', 'high')],
  ['suicida', S('suicidal_intent', 'high')],
  // Passive ideation: worth a person's call too.
  ['if i was gone', S('suicidal_intent', 'high')],
  ['if i were gone', S('suicidal_intent', 'high')],
  ["if i wasn't here", S('suicidal_intent', 'high')],
  ['if i disappeared', S('suicidal_intent', 'high')],
  ['no point in living', S('suicidal_intent', 'high')],
  ['no point living', S('suicidal_intent', 'high')],
  ['not worth living', S('suicidal_intent', 'high')],
  ['tired of living', S('suicidal_intent', 'high')],
  ["can't go on", S('suicidal_intent', 'high')],
  ['cannot go on', S('suicidal_intent', 'high')],
  ['never wake up', S('suicidal_intent', 'high')],
  ['no quiero seguir viviendo', S('suicidal_intent', 'high')],
  ['no vale la pena vivir', S('suicidal_intent', 'high')],
  // Self-harm.
  ['hurt myself', S('self_harm', 'high')],
  ['hurting myself', S('self_harm', 'high')],
  ['harm myself', S('self_harm', 'high')],
  ['harming myself', S('self_harm', 'high')],
  ['cut myself', S('self_harm', 'high')],
  ['cutting myself', S('self_harm', 'high')],
  ['burn myself', S('self_harm', 'high')],
  ['self harm', S('self_harm', 'high')],
  ['self-harm', S('self_harm', 'high')],
  ['selfharm', S('self_harm', 'high')],
  ['hacerme dano', S('self_harm', 'high')],
  ['lastimarme', S('self_harm', 'high')],
  ['cortarme', S('self_harm', 'high')],
  // Overdose.
  ['overdose', S('overdose', 'critical')],
  ['overdosed', S('overdose', 'critical')],
  ['overdosing', S('overdose', 'critical')],
  ['took too many pills', S('overdose', 'critical')],
  ['taken too many pills', S('overdose', 'critical')],
  ['took all my pills', S('overdose', 'critical')],
  ['took the whole bottle', S('overdose', 'critical')],
  ['sobredosis', S('overdose', 'critical')],
  ['demasiadas pastillas', S('overdose', 'critical')],
  // Abuse.
  ...ABUSERS.flatMap((who) => ABUSE_VERBS.map((verb) => [`${who} ${verb} me`, S('abuse', 'high')] as const)),
  ['abuses me', S('abuse', 'high')],
  ['abusing me', S('abuse', 'high')],
  ['abused me', S('abuse', 'high')],
  ['threatens me', S('abuse', 'high')],
  ['threatened to kill me', S('abuse', 'critical')],
  ['afraid of my husband', S('abuse', 'high')],
  ['afraid of my wife', S('abuse', 'high')],
  ['afraid of my partner', S('abuse', 'high')],
  ['scared of my husband', S('abuse', 'high')],
  ['scared of my partner', S('abuse', 'high')],
  ['domestic violence', S('abuse', 'high')],
  ['me pega', S('abuse', 'high')],
  ['me golpea', S('abuse', 'high')],
  ['me maltrata', S('abuse', 'high')],
  ['maltrato', S('abuse', 'high')],
  ['violencia domestica', S('abuse', 'high')],
  // Medical emergencies: chest pain, breathing, stroke signs (FAST), collapse.
  ['chest pain', S('medical_emergency', 'critical')],
  ['chest pains', S('medical_emergency', 'critical')],
  ['pain in my chest', S('medical_emergency', 'critical')],
  ['chest hurts', S('medical_emergency', 'critical')],
  ['chest is tight', S('medical_emergency', 'critical')],
  ['chest tightness', S('medical_emergency', 'critical')],
  ['heart attack', S('medical_emergency', 'critical')],
  ["can't breathe", S('medical_emergency', 'critical')],
  ['cannot breathe', S('medical_emergency', 'critical')],
  ['trouble breathing', S('medical_emergency', 'critical')],
  ['struggling to breathe', S('medical_emergency', 'critical')],
  ['face drooping', S('medical_emergency', 'critical')],
  ['face is drooping', S('medical_emergency', 'critical')],
  ['face droops', S('medical_emergency', 'critical')],
  ['drooping face', S('medical_emergency', 'critical')],
  ['slurred speech', S('medical_emergency', 'critical')],
  ['speech is slurred', S('medical_emergency', 'critical')],
  ['slurring my words', S('medical_emergency', 'critical')],
  ['slurring', S('medical_emergency', 'critical')],
  ['numb on one side', S('medical_emergency', 'critical')],
  ['weakness on one side', S('medical_emergency', 'critical')],
  ["can't move my arm", S('medical_emergency', 'critical')],
  ['having a stroke', S('medical_emergency', 'critical')],
  ['stroke', S('medical_emergency', 'medium')],
  ['passed out', S('medical_emergency', 'high')],
  ['fainted', S('medical_emergency', 'high')],
  ['unconscious', S('medical_emergency', 'critical')],
  ['seizure', S('medical_emergency', 'critical')],
  ['bleeding heavily', S('medical_emergency', 'critical')],
  ['hit my head', S('medical_emergency', 'high')],
  ['i fell', S('medical_emergency', 'high')],
  ['had a fall', S('medical_emergency', 'high')],
  ['fell down', S('medical_emergency', 'high')],
  ['lot of blood', S('medical_emergency', 'critical')],
  ['bleeding a lot', S('medical_emergency', 'critical')],
  ["won't stop bleeding", S('medical_emergency', 'critical')],
  ["can't stop bleeding", S('medical_emergency', 'critical')],
  ['coughing up blood', S('medical_emergency', 'critical')],
  ['vomiting blood', S('medical_emergency', 'critical')],
  ['throat is closing', S('medical_emergency', 'critical')],
  ['throat is swelling', S('medical_emergency', 'critical')],
  ['allergic reaction', S('medical_emergency', 'high')],
  ['unresponsive', S('medical_emergency', 'critical')],
  ['me cai', S('medical_emergency', 'high')],
  ['mucha sangre', S('medical_emergency', 'critical')],
  ['dolor de pecho', S('medical_emergency', 'critical')],
  ['dolor en el pecho', S('medical_emergency', 'critical')],
  ['no puedo respirar', S('medical_emergency', 'critical')],
  ['me desmaye', S('medical_emergency', 'high')],
  ['derrame cerebral', S('medical_emergency', 'critical')],
  ['infarto', S('medical_emergency', 'critical')],
];

const LEXICON = new Lexicon<Entry>(PHRASES);

/** One detected signal (category and severity; the words themselves are never reported). */
export interface CrisisSignal {
  category: CrisisCategory;
  severity: Severity;
}

/** Detects crisis signals in the text, splitting them into asserted and negated. */
export function detect(text: string): { signals: CrisisSignal[]; negated: CrisisCategory[] } {
  const tokens = tokenize(text);
  const signals: CrisisSignal[] = [];
  const negated: CrisisCategory[] = [];
  for (const m of LEXICON.scan(tokens)) {
    if (m.value === null) continue;
    const [category, severity] = m.value;
    if (isNegated(tokens, m.first)) {
      if (!negated.includes(category)) negated.push(category);
      continue;
    }
    if (!signals.some((s) => s.category === category && s.severity === severity)) signals.push({ category, severity });
  }
  return { signals, negated };
}

/** Runs the human_intervention agent over one turn (raw text: crisis words are not identifiers). */
export function run(request: AgentRequest): AgentOutput {
  const { signals, negated } = detect(request.text);
  if (signals.length === 0) {
    return {
      agent: AGENT_NAME,
      status: 'ok',
      findings: { categories: [], signals: [], negated_categories: negated },
      flags: { requires_human: false },
      summary: 'No crisis or safety language detected.',
    };
  }
  const worst = signals.reduce((a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a));
  const categories = [...new Set(signals.map((s) => s.category))];
  return {
    agent: AGENT_NAME,
    status: 'ok',
    findings: { categories, signals, negated_categories: negated },
    flags: { requires_human: true, severity: worst.severity, reason: worst.category },
    summary: `Safety concern detected (${worst.category}, ${worst.severity}); a person from the care team should follow up.`,
  };
}
