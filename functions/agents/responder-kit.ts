/**
 * Building blocks shared by the reference responders (primary and the specialists): the safety
 * escalation message, which checkpoint to ask about next, and acknowledgements of what the agents found.
 * Pure and deterministic: phrasing varies by a hash of conversation_id + turn_number, never by chance.
 */
import type { AgentOutput, CheckpointRef, ResponderRequest } from '../contracts/agent.js';
import type { FollowupItem } from './followup.js';
import type { MedicationMention } from './medication.js';
import type { Meal } from './nutrition.js';
import { joinList, pick } from './text.js';
import { evaluate } from './checklist.js';
import { redactedText } from './input.js';
import { detectLanguage } from '../core/language.js';
import { memoryQuestion } from '../core/memory/prompts.js';

/** The contract's limit on a reply. */
export const MAX_RESPONSE_CHARS = 4000;

/** Seed for deterministic phrasing: same conversation and turn → same words. */
export function seedOf(req: ResponderRequest, salt = ''): string {
  return `${req.conversation_id}#${req.context.turn_number}#${salt}`;
}

function okResult(req: ResponderRequest, agent: string): AgentOutput | undefined {
  const out = req.agent_results[agent];
  return out && out.status === 'ok' ? out : undefined;
}

function asArray<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/**
 * The supportive escalation reply when human_intervention flagged requires_human, else undefined.
 * Says a person from the care team will follow up; adds emergency guidance for critical severity (and the
 * 988 line for suicidal intent / self-harm).
 */
export function escalationMessage(req: ResponderRequest): string | undefined {
  const hi = okResult(req, 'human_intervention');
  if (!hi?.flags.requires_human) return undefined;
  const reason = hi.flags.reason ?? '';
  const severity = hi.flags.severity ?? 'high';
  const parts = [
    pick(
      [
        'Thank you for telling me. What you are going through matters, and you do not have to handle it alone.',
        'I am really glad you told me. You deserve support with this right now.',
        'Thank you for trusting me with this. Your safety matters most right now.',
      ],
      seedOf(req, 'escalate'),
    ),
    'I have let a person from your care team know, and they will follow up with you as soon as possible.',
  ];
  if (severity === 'critical') {
    parts.push(
      reason === 'medical_emergency'
        ? 'If this may be a medical emergency, such as chest pain, trouble breathing, heavy bleeding, a head injury, or signs of a stroke like face drooping, arm weakness or slurred speech, please call 911 or your local emergency number right now. Do not wait for us.'
        : 'If you are in immediate danger, please call 911 or your local emergency number now.',
    );
  }
  if (reason === 'suicidal_intent' || reason === 'self_harm' || reason === 'overdose') {
    parts.push('You can also call or text 988, the Suicide & Crisis Lifeline, any time of day.');
  }
  if (reason === 'abuse') {
    parts.push('If you are not safe where you are, please call 911. The National Domestic Violence Hotline (1-800-799-7233) is there day and night.');
  }
  parts.push('I am here with you in the meantime.');
  return parts.join(' ');
}

/** The checklist's verdict on the current checkpoint (only when it refers to that checkpoint). */
export function currentCheckpointCompleted(req: ResponderRequest): boolean {
  const cl = okResult(req, 'checklist');
  const current = req.checkpoint;
  return Boolean(current && cl?.flags.checkpoint_complete && cl.flags.checkpoint_id === current.checkpoint_id);
}

/**
 * The checkpoint to ask about now: the current one unless it is (or just became) complete; then the next
 * pending one in the task's order (wrapping to earlier pending ones). A completed checkpoint is never asked.
 */
export function checkpointToAsk(req: ResponderRequest): CheckpointRef | null {
  const current = req.checkpoint;
  const justCompleted = currentCheckpointCompleted(req);
  if (current && !justCompleted && current.status !== 'complete') return withRememberedWording(req, current);
  const list = req.task_checkpoints;
  const pending = (c: CheckpointRef) => c.status !== 'complete' && c.checkpoint_id !== current?.checkpoint_id;
  const at = current ? list.findIndex((c) => c.checkpoint_id === current.checkpoint_id) : -1;
  const next = list.slice(at + 1).find(pending) ?? list.slice(0, Math.max(at, 0)).find(pending) ?? null;
  return next === null ? null : withRememberedWording(req, next);
}

/** The checkpoint with its question worded from individual memory when memory has something to say (#16). */
function withRememberedWording(req: ResponderRequest, cp: CheckpointRef): CheckpointRef {
  const language = detectLanguage(req.text, req.memory?.preferences.language ?? 'en');
  const question = memoryQuestion({ plan: req.plan, checkpoint_id: cp.checkpoint_id, memory: req.memory, language });
  return question === null ? cp : { ...cp, question };
}

/**
 * True when this turn already satisfies `cp`'s criteria although the checklist judged only the current
 * checkpoint ("I will walk tomorrow" answers "What would you like to do today?" one turn early). The
 * orchestrator completes one checkpoint per turn, so the reply confirms instead of asking as if unanswered.
 */
export function alreadyAnswered(req: ResponderRequest, cp: CheckpointRef): boolean {
  if (cp.checkpoint_id === req.checkpoint?.checkpoint_id) return false;
  const text = redactedText({ text: req.text, dependencies: req.agent_results });
  return evaluate(cp.criteria, text, req.agent_results).complete;
}

const PRONOUNS: Record<string, string> = {
  i: 'you', me: 'you', my: 'your', mine: 'yours', myself: 'yourself', "i'm": "you're", "i'll": "you'll",
  "i've": "you've", mi: 'tu', mis: 'tus',
};

/** "call my doctor" → "call your doctor", so an item reads naturally in the reply. */
export function secondPerson(text: string): string {
  return text.replace(/[\p{L}']+/gu, (w) => {
    const lower = w.toLowerCase();
    return PRONOUNS[lower] ?? w;
  });
}

/** Sentences acknowledging what the agents found this turn (no raw identifiers: redacted sources only). */
export interface Acknowledgements {
  nutrition: string[];
  medication: string[];
  followup: string[];
  commitments: FollowupItem[];
  missedMedication: string[];
  sideEffects: string[];
}

/** Gathers acknowledgement sentences from nutrition, medication and followup findings. */
export function acknowledgements(req: ResponderRequest): Acknowledgements {
  const ack: Acknowledgements = { nutrition: [], medication: [], followup: [], commitments: [], missedMedication: [], sideEffects: [] };
  const nutrition = okResult(req, 'nutrition');
  if (nutrition) {
    const meals = asArray<Meal>(nutrition.findings['meals']);
    const eaten = meals.filter((m) => !m.skipped);
    if (eaten.length > 0) {
      const described = eaten.map((m) => (m.foods.length > 0 ? `${m.meal} (${joinList(m.foods.slice(0, 4))})` : m.meal));
      ack.nutrition.push(
        pick(
          [`Thanks for logging your ${joinList(described)}.`, `Got it, I have noted your ${joinList(described)}.`, `Thank you, your ${joinList(described)} ${eaten.length === 1 ? 'is' : 'are'} logged.`],
          seedOf(req, 'meals'),
        ),
      );
    }
    const skipped = meals.filter((m) => m.skipped);
    if (skipped.length > 0) ack.nutrition.push(`I noticed you skipped ${joinList(skipped.map((m) => m.meal))}; a small, easy meal next time still counts.`);
    const water = nutrition.findings['water_ml'];
    if (typeof water === 'number' && water > 0) {
      ack.nutrition.push(water >= 1500 ? `About ${water} ml of water, well done on staying hydrated.` : `I have ${water} ml of water down for today.`);
    }
  }
  const medication = okResult(req, 'medication');
  if (medication) {
    const meds = asArray<MedicationMention>(medication.findings['medications']);
    const name = (m: MedicationMention) => (m.name === 'medication' ? 'your medication' : `your ${m.name}`);
    const taken = meds.filter((m) => m.adherence === 'taken');
    const missedMeds = meds.filter((m) => m.adherence === 'missed');
    if (taken.length > 0) ack.medication.push(`Good to hear you took ${joinList(taken.map(name))}.`);
    const mentioned = meds.filter((m) => m.adherence === 'unknown' && m.name !== 'medication');
    if (mentioned.length > 0 && taken.length === 0 && missedMeds.length === 0) {
      ack.medication.push(`I have noted ${joinList(mentioned.map((m) => m.name))}.`);
    }
    if (missedMeds.length > 0) {
      ack.missedMedication = missedMeds.map(name);
      ack.medication.push(`Thanks for being honest that you missed ${joinList(missedMeds.map(name))}; it happens.`);
    }
    ack.sideEffects = asArray<string>(medication.findings['side_effects']);
    if (ack.sideEffects.length > 0) {
      ack.medication.push(`I am sorry you are dealing with ${joinList(ack.sideEffects)}; it is worth mentioning to your care team if it continues.`);
    }
  }
  const followup = okResult(req, 'followup');
  if (followup) {
    const items = asArray<FollowupItem>(followup.findings['items']);
    ack.commitments = items.filter((i) => i.kind === 'commitment');
    const plans = ack.commitments.slice(0, 2).map((i) => `${secondPerson(i.text)}${i.due ? ` ${secondPerson(i.due.text)}` : ''}`);
    if (plans.length > 0) ack.followup.push(`I will check in on your plan to ${joinList(plans)}.`);
    const revisit = items.filter((i) => i.kind === 'revisit').slice(0, 2);
    if (revisit.length > 0 && plans.length === 0) ack.followup.push(`I made a note to come back to ${joinList(revisit.map((i) => secondPerson(i.text)))}.`);
  }
  return ack;
}

/** Trims a reply to the contract's limit on a sentence boundary. */
export function clampResponse(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= MAX_RESPONSE_CHARS) return clean;
  const cut = clean.slice(0, MAX_RESPONSE_CHARS);
  const end = cut.lastIndexOf('. ');
  return end > 0 ? cut.slice(0, end + 1) : cut;
}
