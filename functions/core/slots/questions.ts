/**
 * Question selection: which checkpoint the reply asks about next, and in which words. The one place that
 * decides it (responders call it; the memory engineer's memory-aware wording plugs in through
 * `QuestionContext.wording`).
 *
 * - The next checkpoint is the first open one (pending or in progress) in stack order: the main task first,
 *   then support tasks, so support tasks are woven in before the conversation closes.
 * - The first attempt uses the plan's question in the patient's language; the second uses the plan's
 *   rephrase (or, for a checkpoint without one, the question introduced differently), so a question is never
 *   repeated verbatim. A checkpoint is never asked more than MAX_ATTEMPTS times.
 */
import type { Language } from '../language.js';
import { MAX_ATTEMPTS, type SlotCheckpoint } from './evaluation.js';

/** What wording needs of a checkpoint. */
export interface AskableCheckpoint extends SlotCheckpoint {
  question: string;
  questions?: Partial<Record<Language, string>> | undefined;
  rephrase?: Partial<Record<Language, string>> | undefined;
}

/** How to word a question. `wording` may replace the default (e.g. a memory-aware first question). */
export interface QuestionContext {
  language: Language;
  wording?: (cp: AskableCheckpoint, attempt: number, language: Language) => string | undefined;
}

const OPEN = new Set(['pending', 'in_progress']);

/**
 * The next checkpoint to ask, in stack order: the first open one not yet asked MAX_ATTEMPTS times; null when
 * none is left to ask.
 */
export function nextCheckpoint<T extends SlotCheckpoint>(checkpoints: readonly T[]): T | null {
  return checkpoints.find((c) => OPEN.has(c.status) && (c.asked ?? 0) < MAX_ATTEMPTS) ?? null;
}

/** True when every checkpoint is settled (complete, declined or skipped): the conversation may close. */
export function allSettled(checkpoints: readonly SlotCheckpoint[]): boolean {
  return checkpoints.every((c) => c.status === 'complete' || c.status === 'declined' || c.status === 'skipped');
}

/** Apply decided outcomes to checkpoint refs (what the stack will look like after the engine applies them). */
export function projectOutcomes<T extends SlotCheckpoint>(
  checkpoints: readonly T[],
  outcomes: ReadonlyMap<string, { kind: string; value?: unknown }>,
): T[] {
  return checkpoints.map((c) => {
    const o = outcomes.get(c.checkpoint_id);
    if (o === undefined) return c;
    const status = o.kind === 'corrected' ? 'complete' : o.kind;
    return { ...c, status };
  });
}

const SECOND_TRY: Record<Language, string> = {
  en: 'Let me put it another way:',
  es: 'Te lo pregunto de otra forma:',
};

/** The question in `language` for attempt `attempt` (0 = first time asked, 1 = second). */
export function questionText(cp: AskableCheckpoint, attempt: number, ctx: QuestionContext): string {
  const custom = ctx.wording?.(cp, attempt, ctx.language);
  if (custom !== undefined && custom.trim() !== '') return custom;
  const first = cp.questions?.[ctx.language] ?? cp.questions?.en ?? cp.question;
  if (attempt <= 0) return first;
  const second = cp.rephrase?.[ctx.language] ?? cp.rephrase?.en;
  if (second !== undefined && second !== first) return second;
  return `${SECOND_TRY[ctx.language]} ${first}`;
}
