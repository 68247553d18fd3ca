/**
 * Slots for checkpoints that predate typed answers: stored v1 conversations, and checkpoints from an external
 * checkpoint service or generator that still send only keyword / agent-finding `criteria`. The agent finding
 * names the typed slot it always meant (nutrition.meals → meals, medication.adherence → adherence, …);
 * keywords that are all numbers describe a scale; anything else collects free text.
 */
import type { CompletionCriteria } from '../../contracts/agent.js';
import type { SlotSpec } from './types.js';

const BY_FINDING: Readonly<Record<string, SlotSpec>> = {
  'nutrition.meals': { type: 'meals' },
  'nutrition.foods': { type: 'foods' },
  'nutrition.water_ml': { type: 'water' },
  'nutrition.drinks': { type: 'drinks' },
  'medication.medications': { type: 'medications' },
  'medication.adherence': { type: 'adherence' },
  'medication.side_effects': { type: 'side_effects' },
  'followup.commitments': { type: 'commitment' },
  'followup.items': { type: 'commitment' },
  'followup.revisit': { type: 'when' },
};

/** The slot a legacy checkpoint's criteria describe. */
export function slotFromCriteria(criteria: CompletionCriteria): SlotSpec {
  const finding = criteria.agent_finding;
  if (finding !== undefined) {
    const slot = BY_FINDING[`${finding.agent}.${finding.key}`];
    if (slot !== undefined) {
      const meal = (criteria.keywords_any ?? []).map((k) => k.toLowerCase()).find((k) => ['breakfast', 'lunch', 'dinner'].includes(k));
      return meal !== undefined && slot.type === 'meals' ? { ...slot, meal: meal as 'breakfast' | 'lunch' | 'dinner' } : { ...slot };
    }
  }
  const keywords = criteria.keywords_any ?? [];
  if (keywords.length > 0 && keywords.filter((k) => /^\d+$/.test(k)).length >= keywords.length / 2) return { type: 'scale' };
  return { type: 'free_text' };
}

/** The legacy criteria a typed slot corresponds to, for a team's checklist agent that judges by criteria. */
export function criteriaForSlot(slot: SlotSpec): CompletionCriteria {
  for (const [finding, spec] of Object.entries(BY_FINDING)) {
    if (spec.type === slot.type) {
      const [agent, key] = finding.split('.') as [string, string];
      return { agent_finding: { agent, key } };
    }
  }
  return {};
}

/** The reference agent whose findings a slot's extraction uses (added to a turn that may answer it). */
export function agentForSlot(slot: SlotSpec): string | undefined {
  return criteriaForSlot(slot).agent_finding?.agent;
}
