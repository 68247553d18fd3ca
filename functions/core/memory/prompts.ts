/**
 * Memory-aware wording of plan questions (issue #16): given the plan, the checkpoint about to be asked, what
 * the companion remembers and the conversation's language, the question to ask instead of the plan's own —
 * or null, and the plan's wording stands. The question composer calls `memoryQuestion` with one line, so the
 * plans and responders (#10) stay the owners of everything else.
 *
 *   accountability    · review     "Last time you planned to walk around the lake after dinner — how did it go?"
 *   medication        · list       "Are you still taking metformin?" (confirms instead of asking from scratch)
 *   daily check-in    · plan       "Last time you planned to …. What is one thing you'd like to do today?"
 */
import type { AgentMemory } from '../../contracts/agent.js';
import type { Language } from '../language.js';

/** What the question composer knows when it picks a question. */
export interface MemoryQuestionInput {
  plan: string;
  checkpoint_id: string;
  memory: AgentMemory | null | undefined;
  language: Language;
}

const PRONOUNS_EN: Record<string, string> = {
  i: 'you', me: 'you', my: 'your', mine: 'yours', myself: 'yourself', "i'm": "you're", "i'll": "you'll", "i've": "you've",
};
const PRONOUNS_ES: Record<string, string> = { mi: 'tu', mis: 'tus', me: 'te' };

/** "walk my dog" → "walk your dog": a remembered plan read back to its author. */
function secondPerson(text: string, language: Language): string {
  const table = language === 'es' ? PRONOUNS_ES : PRONOUNS_EN;
  return text.replace(/[\p{L}']+/gu, (w) => table[w.toLowerCase()] ?? w);
}

function joinNames(names: readonly string[], language: Language): string {
  const and = language === 'es' ? 'y' : 'and';
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} ${and} ${names[names.length - 1]}`;
}

/** The remembered commitment as a phrase: "walk around the lake after dinner" (+ its due words). */
function commitmentPhrase(memory: AgentMemory, language: Language): string | null {
  const c = memory.last_commitment;
  if (!c) return null;
  const text = secondPerson(c.text.replace(/[.!?\s]+$/u, ''), language);
  // "tomorrow" / "this afternoon" were relative to the day it was said: read back later they would mislead.
  const relative = /\b(today|tomorrow|tonight|this|next|later|soon|now|hoy|mañana|manana|esta|este|luego|pronto|ahora)\b/i;
  const due = c.due && !relative.test(c.due) && !c.text.toLowerCase().includes(c.due.toLowerCase()) ? ` ${secondPerson(c.due, language)}` : '';
  return `${text}${due}`;
}

/** A question that uses memory for this checkpoint, or null (the plan's own wording then). */
export function memoryQuestion(input: MemoryQuestionInput): string | null {
  const { memory, language: lang } = input;
  if (!memory) return null;
  const plan = input.plan;
  const cp = input.checkpoint_id;

  if (plan === 'accountability' && /review/.test(cp)) {
    const phrase = commitmentPhrase(memory, lang);
    if (phrase === null || memory.last_commitment?.outcome !== undefined) return null;
    return lang === 'es'
      ? `La última vez planeaste ${phrase}: ¿cómo te fue?`
      : `Last time you planned to ${phrase} — how did it go?`;
  }

  if (plan === 'medication_adherence' && /list/.test(cp)) {
    const names = memory.medications.map((m) => m.name).slice(0, 4);
    if (names.length === 0) return null;
    return lang === 'es'
      ? `¿Sigues tomando ${joinNames(names, lang)}? Si algo cambió, cuéntame.`
      : `Are you still taking ${joinNames(names, lang)}? If anything has changed, let me know.`;
  }

  if (plan === 'daily_checkin' && /plan/.test(cp)) {
    const phrase = commitmentPhrase(memory, lang);
    if (phrase === null) return null;
    return lang === 'es'
      ? `La última vez planeaste ${phrase}. ¿Qué te gustaría hacer hoy?`
      : `Last time you planned to ${phrase}. What is one thing you'd like to do today?`;
  }
  return null;
}
