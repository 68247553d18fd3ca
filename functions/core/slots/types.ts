/**
 * Typed answers ("slots"). Every checkpoint declares the kind of answer it collects (`SlotSpec`) and a turn
 * that contains such an answer yields a typed value (`SlotValue`) — structured facts such as a score, a list
 * of foods or an adherence status, never the patient's sentence. A checkpoint is complete when its value is
 * known; a later value for the same checkpoint corrects the earlier one.
 *
 * One zod schema per shape: the types are inferred from the schemas, and the same schemas validate plans,
 * stored conversations and what an (external) checklist agent reports.
 */
import {
  SlotValueSchema,
  type SlotSpec,
  type SlotType,
  type SlotValue,
} from '../../contracts/slots.js';

export {
  SLOT_TYPES,
  SlotSpecSchema,
  SlotTypeSchema,
  SlotValueSchema,
  type SlotSpec,
  type SlotType,
  type SlotValue,
  type SlotValueOf,
} from '../../contracts/slots.js';

/** The key a slot's value is filed under (its `key`, else its type). */
export function slotKey(slot: SlotSpec): string {
  return slot.key ?? slot.type;
}

/** Types whose "none" is information by default ("no side effects" answers "any side effects?"). */
const NONE_IS_AN_ANSWER: ReadonlySet<SlotType> = new Set([
  'free_text',
  'medications',
  'side_effects',
  'foods',
  'drinks',
  'contact',
  'activity',
]);

/**
 * Judge a value against a slot: does it answer the checkpoint? The value must be of the slot's type, within
 * the slot's range (scale), about the slot's meal (meals), and a "none" only counts where none is an answer.
 * Returns the reason it does not, or null when it does.
 */
export function judgeValue(slot: SlotSpec, value: SlotValue): string | null {
  if (value.type !== slot.type) return `expected a ${slot.type} value, got ${value.type}`;
  const acceptNone = slot.accept_none ?? NONE_IS_AN_ANSWER.has(slot.type);
  if ('none' in value && value.none === true && !acceptNone) return 'none is not an answer here';
  switch (value.type) {
    case 'scale': {
      const min = slot.min ?? 1;
      const max = slot.max ?? 10;
      return value.score >= min && value.score <= max ? null : `score outside ${min}..${max}`;
    }
    case 'meals':
      if (slot.meal !== undefined && !value.meals.some((m) => m.meal === slot.meal)) return `no ${slot.meal} in the value`;
      return null;
    case 'free_text':
      return value.topics.length > 0 || value.none === true ? null : 'no content';
    case 'foods':
      return value.foods.length > 0 || value.none === true ? null : 'no foods';
    case 'drinks':
      return value.drinks.length > 0 || value.none === true ? null : 'no drinks';
    case 'medications':
      return value.names.length > 0 || value.none === true ? null : 'no medications';
    case 'side_effects':
      return value.effects.length > 0 || value.none === true ? null : 'no side effects named';
    case 'contact':
      return value.contacts.length > 0 || value.none === true ? null : 'no contacts';
    case 'activity':
      return value.activities.length > 0 || value.none === true ? null : 'no activities';
    case 'mood':
      return value.labels.length > 0 || value.valence !== 'neutral' ? null : 'no mood';
    default:
      return null;
  }
}

/** Parse an unknown value as a SlotValue that answers `slot`, or null (never throws). */
export function acceptValue(slot: SlotSpec, raw: unknown): SlotValue | null {
  const parsed = SlotValueSchema.safeParse(raw);
  if (!parsed.success) return null;
  return judgeValue(slot, parsed.data) === null ? parsed.data : null;
}
