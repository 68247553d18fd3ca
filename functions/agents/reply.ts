/**
 * The reply of a reference responder, in the patient's language (English or Spanish):
 *   acknowledgement of what was actually said (its content and how it sounds — never cheering at bad news)
 *   → at most one question, chosen by core/slots/questions (never one already answered, declined or skipped;
 *     rephrased on the second attempt) → or a goodbye when the patient asked to stop → or the closing message
 *     only when every checkpoint of every task is settled.
 * The responder predicts the engine's decisions with the same core functions the engine applies
 * (readEvaluation / decideOutcomes), so the question it asks is the one the engine expects next.
 */
import type { AgentOutput, CheckpointRef, ResponderName, ResponderOutput, ResponderRequest } from '../contracts/agent.js';
import type { SlotValue } from '../contracts/slots.js';
import { detectLanguage, type Language } from '../core/language.js';
import { decideOutcomes, readEvaluation, type CheckpointOutcome } from '../core/slots/evaluation.js';
import { slotFromCriteria } from '../core/slots/legacy.js';
import { allSettled, nextCheckpoint, projectOutcomes, questionText } from '../core/slots/questions.js';
import { sentimentOf } from './nlp.js';
import { pick, tokenize } from './text.js';
import { memoryQuestion } from '../core/memory/prompts.js';

/** Text in both languages. */
type Bi = readonly [en: string, es: string];
const say = (lang: Language, text: Bi): string => (lang === 'es' ? text[1] : text[0]);

function joinWords(items: readonly string[], lang: Language): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${lang === 'es' ? 'y' : 'and'} ${items[items.length - 1]}`;
}

const ES_LABELS: Record<string, string> = {
  good: 'bien', great: 'muy bien', fine: 'bien', okay: 'más o menos bien', happy: 'feliz', better: 'mejor', calm: 'tranquilo/a',
  tired: 'cansado/a', sad: 'triste', low: 'bajo/a de ánimo', bad: 'mal', worse: 'peor', meh: 'regular', stressed: 'estresado/a',
  anxious: 'ansioso/a', worried: 'preocupado/a', lonely: 'solo/a', connected: 'acompañado/a', angry: 'enojado/a',
  upset: 'molesto/a', frustrated: 'frustrado/a', unwell: 'mal de salud', 'in pain': 'con dolor', 'not great': 'no muy bien',
};

function label(l: string, lang: Language): string {
  return lang === 'es' ? (ES_LABELS[l] ?? l) : l;
}

/** One acknowledgement sentence for a value the turn gave (null when nothing useful to say). */
function acknowledge(value: SlotValue, outcome: CheckpointOutcome['kind'], lang: Language, seed: string): string | null {
  const L = (t: Bi) => say(lang, t);
  if (outcome === 'corrected' && value.type !== 'meals' && value.type !== 'medications') {
    return L(['Thanks for the correction, I have updated my notes.', 'Gracias por la corrección, ya actualicé mis notas.']);
  }
  switch (value.type) {
    case 'mood': {
      const labels = joinWords(value.labels.slice(0, 3).map((l) => label(l, lang)), lang);
      if (value.valence === 'negative') {
        return labels
          ? L([`I'm sorry you're feeling ${labels}.`, `Siento que te sientas ${labels}.`])
          : L(["I'm sorry today is hard.", 'Siento que hoy sea un día difícil.']);
      }
      if (value.valence === 'positive') return labels ? L([`Good to hear you're feeling ${labels}.`, `Me alegra que te sientas ${labels}.`]) : L(['Good to hear.', 'Me alegra oírlo.']);
      if (value.valence === 'mixed') return L(['Thanks for being honest about how you feel; some days are a mix.', 'Gracias por contarme cómo te sientes; hay días así, con de todo.']);
      return L(['Thanks for telling me how you are.', 'Gracias por contarme cómo estás.']);
    }
    case 'sleep':
      if (value.quality === 'poor') {
        return value.woke_up
          ? L(["I'm sorry you had a rough night; waking up in the night is exhausting.", 'Siento que hayas pasado mala noche; despertarse de madrugada agota.'])
          : L(["I'm sorry you didn't sleep well.", 'Siento que no hayas dormido bien.']);
      }
      if (value.quality === 'good') return L(["Glad you slept well.", 'Me alegra que hayas dormido bien.']);
      if (value.quality === 'fair') return L(['Sounds like a so-so night.', 'Parece que fue una noche regular.']);
      return value.hours !== undefined ? L([`About ${value.hours} hours of sleep, noted.`, `Unas ${value.hours} horas de sueño, anotado.`]) : null;
    case 'meals': {
      const eaten = value.meals.filter((m) => !m.skipped && m.foods.length > 0);
      if (eaten.length === 0) return L(["Noted that you haven't eaten yet; even something small helps.", 'Anoto que todavía no has comido; algo ligero también ayuda.']);
      const meal = (m: (typeof eaten)[number]) => (m.meal === 'meal' ? joinWords(m.foods.slice(0, 4), lang) : lang === 'es' ? `${joinWords(m.foods.slice(0, 4), lang)} (${ES_MEALS[m.meal] ?? m.meal})` : `${joinWords(m.foods.slice(0, 4), lang)} for ${m.meal}`);
      return L([`Got it: ${eaten.map(meal).join('; ')}.`, `Anotado: ${eaten.map(meal).join('; ')}.`]);
    }
    case 'foods':
      return value.none === true ? L(['Okay, noted.', 'De acuerdo, anotado.']) : L([`Noted: ${joinWords(value.foods.slice(0, 4), lang)}.`, `Anotado: ${joinWords(value.foods.slice(0, 4), lang)}.`]);
    case 'water':
      if (value.ml === 0) return L(['No water yet, so maybe a glass now would help.', 'Todavía nada de agua; quizá un vaso ahora te venga bien.']);
      return value.ml >= 1500
        ? L([`About ${value.ml} ml of water, nicely hydrated.`, `Unos ${value.ml} ml de agua, muy bien hidratado.`])
        : L([`I have about ${value.ml} ml of water down for today.`, `Anoto unos ${value.ml} ml de agua por hoy.`]);
    case 'drinks':
      return value.none === true ? null : L([`Noted: ${joinWords(value.drinks.slice(0, 4), lang)}.`, `Anotado: ${joinWords(value.drinks.slice(0, 4), lang)}.`]);
    case 'medications':
      if (value.none === true) return L(['Okay, no medications.', 'De acuerdo, ningún medicamento.']);
      return outcome === 'corrected'
        ? L([`Thanks for the correction, I've updated it: ${joinWords(value.names, lang)}.`, `Gracias por la corrección, lo actualicé: ${joinWords(value.names, lang)}.`])
        : L([`Got it: ${joinWords(value.names, lang)}.`, `Anotado: ${joinWords(value.names, lang)}.`]);
    case 'adherence': {
      const what = value.names && value.names.length > 0 ? `${lang === 'es' ? 'tu' : 'your'} ${joinWords(value.names, lang)}` : lang === 'es' ? 'tu medicina' : 'your medication';
      if (value.status === 'double') {
        return L([
          "Thanks for telling me about the extra dose. Please don't take another to make up for it or skip the next one on your own; if you feel unwell or aren't sure, check with your pharmacist or care team.",
          'Gracias por contarme lo de la dosis de más. No tomes otra para compensar ni te saltes la siguiente por tu cuenta; si te sientes mal o tienes dudas, consulta a tu farmacéutico o a tu equipo de salud.',
        ]);
      }
      if (value.status === 'taken') return L([`Good that you took ${what}.`, `Qué bien que tomaste ${what}.`]);
      if (value.status === 'missed') return L([`Thanks for being honest that you missed ${what}; it happens.`, `Gracias por decirme que no tomaste ${what}; a veces pasa.`]);
      if (value.status === 'partial') return L(['Thanks, noted which ones you took and which you missed.', 'Gracias, anoto cuáles tomaste y cuáles no.']);
      return L(['Okay, noted.', 'De acuerdo, anotado.']);
    }
    case 'side_effects':
      return value.none === true
        ? L(['Good, no side effects.', 'Bien, sin efectos secundarios.'])
        : L([`I'm sorry about the ${joinWords(value.effects.slice(0, 3), lang)}; it's worth telling your care team if it continues.`, `Siento lo de ${joinWords(value.effects.slice(0, 3), lang)}; vale la pena comentarlo con tu equipo de salud si continúa.`]);
    case 'refill':
      return value.status === 'low'
        ? L(["Let's make sure you get that refill soon.", 'Asegurémonos de que surtas la receta pronto.'])
        : value.status === 'enough'
          ? L(['Good that you have enough.', 'Bien, tienes suficiente.'])
          : value.status === 'ordered'
            ? L(['Great that the refill is sorted.', 'Qué bien que ya está en camino.'])
            : L(['Noted about the refill.', 'Anotado lo de la receta.']);
    case 'commitment':
      if (value.none === true) return null;
      return L([`I'll check in on your plan to ${secondPerson(value.action)}${value.due && !value.action.includes(value.due) ? ` ${value.due}` : ''}.`, `Te preguntaré por tu plan: ${value.action}${value.due && !value.action.includes(value.due) ? ` ${value.due}` : ''}.`]);
    case 'outcome':
      return value.outcome === 'done'
        ? L(['Well done on following through.', 'Bien hecho, lo cumpliste.'])
        : value.outcome === 'partial'
          ? L(['Partly is still progress.', 'Hacer una parte también es avanzar.'])
          : L(["That's okay; it helps to look at what got in the way.", 'Está bien; ayuda ver qué se interpuso.']);
    case 'free_text':
      return value.none === true ? L(["Okay, good to know.", 'De acuerdo, bueno saberlo.']) : null;
    case 'yes_no':
      return value.answer ? L(['Thank you.', 'Gracias.']) : L(['Understood.', 'Entendido.']);
    case 'scale':
      return value.score <= 4
        ? L([`A ${value.score}, I'm sorry it's a hard day.`, `Un ${value.score}; siento que sea un día difícil.`])
        : value.score >= 7
          ? L([`A ${value.score}, glad to hear it.`, `Un ${value.score}, me alegra.`])
          : L([`A ${value.score}, thanks.`, `Un ${value.score}, gracias.`]);
    case 'contact':
      return value.none === true
        ? L(["It's been quiet then. I'm glad you're talking with me.", 'Ha estado tranquilo entonces. Me alegra que hables conmigo.'])
        : L([`It's nice that you've been in touch with your ${joinWords(value.contacts.slice(0, 3), lang)}.`, `Qué bien que hayas hablado con ${joinWords(value.contacts.slice(0, 3), lang)}.`]);
    case 'activity':
      return value.none === true ? null : L([`${cap(joinWords(value.activities.slice(0, 3), lang))}, that's good to hear.`, `${cap(joinWords(value.activities.slice(0, 3), lang))}, qué bien.`]);
    case 'when':
      return L([`I'll check in ${value.when}.`, `Te pregunto ${value.when}.`]);
    case 'duration':
      return null;
  }
  void seed;
  return null;
}

const ES_MEALS: Record<string, string> = { breakfast: 'desayuno', lunch: 'almuerzo', dinner: 'cena', snack: 'merienda' };

function cap(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

const PRONOUNS: Record<string, string> = { i: 'you', me: 'you', my: 'your', mine: 'yours', myself: 'yourself', "i'm": "you're" };
function secondPerson(text: string): string {
  return text.replace(/[\p{L}']+/gu, (w) => PRONOUNS[w.toLowerCase()] ?? w);
}

/** The language of this reply: the orchestrator's detection, else detected here. */
export function replyLanguage(req: ResponderRequest): Language {
  return req.language ?? detectLanguage(req.text);
}

/** The checkpoints of the stack as the responder sees them (all tasks, else the current task). */
function stackOf(req: ResponderRequest): CheckpointRef[] {
  const refs =
    req.stack_checkpoints !== undefined && req.stack_checkpoints.length > 0
      ? req.stack_checkpoints
      : req.task_checkpoints.length > 0
        ? req.task_checkpoints
        : req.checkpoint
          ? [req.checkpoint]
          : [];
  // A checkpoint without a typed slot (an external service's) collects what its legacy criteria describe.
  return refs.map((r) => (r.slot !== undefined ? r : { ...r, slot: slotFromCriteria(r.criteria) }));
}

/** What the responder knows after predicting the engine's evaluation of this turn. */
export interface TurnView {
  language: Language;
  outcomes: Map<string, CheckpointOutcome>;
  projected: CheckpointRef[];
  next: CheckpointRef | null;
  stop: boolean;
  declined: boolean;
  settled: boolean;
  polarity: ReturnType<typeof sentimentOf>['polarity'];
}

/** Predict the engine's decisions for this turn (same core functions) and pick the next question. */
export function viewTurn(req: ResponderRequest): TurnView {
  const language = replyLanguage(req);
  const refs = stackOf(req);
  const current = req.checkpoint && req.checkpoint.status === 'in_progress' ? req.checkpoint.checkpoint_id : null;
  const checklist: AgentOutput | undefined = req.agent_results['checklist'];
  const evaluation = readEvaluation(checklist, refs, current);
  const outcomes = decideOutcomes(refs, current, evaluation, evaluation.noted);
  const projected = projectOutcomes(refs, outcomes);
  return {
    language,
    outcomes,
    projected,
    next: evaluation.stop ? null : nextCheckpoint(projected),
    stop: evaluation.stop,
    declined: [...outcomes.values()].some((o) => o.kind === 'declined'),
    settled: refs.length > 0 && allSettled(projected),
    polarity: sentimentOf(tokenize(req.text)).polarity,
  };
}

/** Sentences acknowledging the values credited this turn (the asked checkpoint's first), at most three. */
export function acknowledgementsOf(req: ResponderRequest, view: TurnView): string[] {
  const out: string[] = [];
  const refs = stackOf(req);
  const currentId = req.checkpoint?.checkpoint_id;
  const ordered = [...view.outcomes.entries()].sort(([a], [b]) => (a === currentId ? -1 : b === currentId ? 1 : 0));
  const seenTypes = new Set<string>();
  for (const [id, outcome] of ordered) {
    if (outcome.kind !== 'complete' && outcome.kind !== 'corrected') continue;
    const value = outcome.value ?? refs.find((r) => r.checkpoint_id === id)?.value;
    // Meals and foods, or mood said twice, are one acknowledgement.
    if (value === undefined) continue;
    const group = value.type === 'foods' ? 'meals' : value.type;
    if (seenTypes.has(group)) continue;
    seenTypes.add(group);
    const line = acknowledge(value, outcome.kind, view.language, `${req.conversation_id}#${req.context.turn_number}#${id}`);
    if (line !== null && !out.includes(line)) out.push(line);
    if (out.length >= 3) break;
  }
  // What matters for safety is acknowledged even when no checkpoint asks about it: an extra dose, side effects.
  const med = req.agent_results['medication'];
  if (med?.status === 'ok') {
    const seed = `${req.conversation_id}#${req.context.turn_number}#med`;
    if (med.findings['double_dose'] === true && !seenTypes.has('adherence')) {
      const line = acknowledge({ type: 'adherence', status: 'double' }, 'complete', view.language, seed);
      if (line !== null) out.unshift(line);
    }
    const meds = Array.isArray(med.findings['medications']) ? (med.findings['medications'] as Array<{ name?: unknown; adherence?: unknown; retracted?: unknown }>) : [];
    const missed = meds.filter((m) => m.adherence === 'missed' && m.retracted !== true && typeof m.name === 'string').map((m) => String(m.name));
    if (missed.length > 0 && med.findings['double_dose'] !== true && !seenTypes.has('adherence')) {
      const named = missed.filter((n) => n !== 'medication');
      const line = acknowledge(named.length > 0 ? { type: 'adherence', status: 'missed', names: named } : { type: 'adherence', status: 'missed' }, 'complete', view.language, seed);
      if (line !== null) out.push(line);
    }
    const effects = Array.isArray(med.findings['side_effects']) ? (med.findings['side_effects'] as unknown[]).filter((e): e is string => typeof e === 'string') : [];
    if (effects.length > 0 && !seenTypes.has('side_effects')) {
      const line = acknowledge({ type: 'side_effects', effects: effects.slice(0, 3) }, 'complete', view.language, seed);
      if (line !== null) out.push(line);
    }
  }
  return out.slice(0, 4);
}

/** Tone-specific opening lines of each responder (specialists add warmth; primary stays brief). */
export interface Tone {
  responder: ResponderName;
  /** A line to open with, given the turn (may be null). */
  opener?: (req: ResponderRequest, view: TurnView) => string | null;
  /** What to say when every checkpoint is settled (the closing message). */
  closing: Bi[];
  /** The responder's own voice: a short line opening a reply when its opener has nothing to say. */
  voice?: Bi[];
}

/** Compose the reply: acknowledgement, then a goodbye, the next question, or the closing message. */
export function composeReply(req: ResponderRequest, tone: Tone): ResponderOutput {
  const view = viewTurn(req);
  const lang = view.language;
  const seed = (salt: string) => `${req.conversation_id}#${req.context.turn_number}#${salt}`;
  const parts: string[] = [];
  const acks = acknowledgementsOf(req, view);
  if (req.resumed === true && !view.stop) {
    parts.push(say(lang, pick<Bi>([['Welcome back.', 'Qué bueno que volviste.'], ['Good to have you back.', 'Me alegra que hayas vuelto.']], seed('back'))));
  } else if (req.context.turn_number === 1 && acks.length === 0) {
    parts.push(say(lang, pick<Bi>([['Hi, it is good to hear from you.', 'Hola, qué gusto saber de ti.'], ['Hello, thanks for checking in.', 'Hola, gracias por escribir.']], seed('hello'))));
  }
  let opener = tone.opener?.(req, view) ?? null;
  if (opener === null && tone.voice !== undefined && !view.stop && parts.length === 0 && view.polarity !== 'negative') {
    opener = say(lang, pick(tone.voice, seed('voice')));
  }
  if (opener !== null) parts.push(opener);
  parts.push(...acks);
  if (view.declined) {
    parts.push(say(lang, pick<Bi>([["That's completely fine, we can skip that.", 'Está bien, podemos saltar eso.'], ['No problem, we can leave that one.', 'No hay problema, lo dejamos.']], seed('declined'))));
  } else if (acks.length === 0 && opener === null && req.context.turn_number > 1 && !view.stop) {
    // Nothing usable was said: acknowledge how it sounded, never cheerfully at bad news.
    if (view.polarity === 'negative') parts.push(say(lang, ["I'm sorry to hear that.", 'Siento oír eso.']));
    else if (view.polarity === 'mixed') parts.push(say(lang, ['Thanks for telling me.', 'Gracias por contarme.']));
  }
  if (view.stop) {
    parts.push(say(lang, pick<Bi>([
      ["Of course, let's stop here. Thank you for talking with me; we can pick up where we left off next time. Take care.", 'Claro, paramos aquí. Gracias por hablar conmigo; la próxima vez seguimos donde lo dejamos. Cuídate.'],
      ["No problem, we can stop for now. Thanks for your time, and we'll continue from here next time. Take care.", 'No hay problema, lo dejamos por ahora. Gracias por tu tiempo; la próxima vez continuamos desde aquí. Cuídate.'],
    ], seed('bye'))));
    return { responder: tone.responder, response: clamp(parts.join(' ')), is_enriched: acks.length > 0, asks_checkpoint_id: null };
  }
  const next = view.next;
  if (next !== null) {
    const attempt = next.asked ?? 0;
    // Individual memory (#16) words the first ask from what the person said in earlier conversations.
    const wording = (cp: { checkpoint_id: string }, n: number, language: Language) =>
      n > 0 ? undefined : (memoryQuestion({ plan: req.plan, checkpoint_id: cp.checkpoint_id, memory: req.memory, language }) ?? undefined);
    parts.push(questionText(next, attempt, { language: lang, wording }));
  } else if (view.settled) {
    parts.push(say(lang, pick(tone.closing, seed('end'))));
  } else if (parts.length === 0) {
    parts.push(say(lang, ['Thank you for sharing that with me.', 'Gracias por contarme.']));
  }
  return { responder: tone.responder, response: clamp(parts.join(' ')), is_enriched: acks.length > 0, asks_checkpoint_id: next?.checkpoint_id ?? null };
}

function clamp(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= 4000) return clean;
  const cut = clean.slice(0, 4000);
  const end = cut.lastIndexOf('. ');
  return end > 0 ? cut.slice(0, end + 1) : cut;
}
