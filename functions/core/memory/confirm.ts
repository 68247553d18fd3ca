/**
 * "Are you still taking metformin?" — "Yes." The answer names no medication, yet it confirms the remembered
 * ones. The medication agent calls this when it found no drug name in a turn about the medication list, so the
 * checkpoint completes and memory records the confirmation (issue #16).
 */
import type { AgentMemory } from '../../contracts/agent.js';

const AFFIRM = /^\s*(yes|yeah|yep|yup|sure|of course|correct|right|still|i am|i do|same|si|sí|claro|sigo|todavia|todavía|asi es|así es)\b/i;
const DENY = /\b(no|not|stopped|quit|anymore|longer|ya no|deje|dejé)\b/i;

/** The remembered medications confirmed by a bare "yes" (empty when the answer is not a plain yes). */
export function confirmedMedications(memory: AgentMemory | undefined, text: string): Array<{ name: string; adherence: 'unknown'; dose?: { amount: number; unit: string } }> {
  if (!memory || memory.medications.length === 0) return [];
  const plain = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if (!AFFIRM.test(plain) || DENY.test(plain)) return [];
  return memory.medications.map((m) => ({ name: m.name, adherence: 'unknown' as const, ...(m.dose ? { dose: m.dose } : {}) }));
}
