/**
 * Typed answers ("slots") as they cross the agent contract: what a checkpoint collects (`SlotSpec`) and the
 * typed value a checklist agent reports for it (`SlotValue`) — structured facts such as a score, a list of
 * foods or an adherence status, never the patient's sentence. Judging lives in functions/core/slots.
 */
import * as z from 'zod';

/** The kinds of answer a checkpoint can collect. */
export const SLOT_TYPES = [
  'free_text',
  'yes_no',
  'scale',
  'duration',
  'mood',
  'sleep',
  'meals',
  'foods',
  'water',
  'drinks',
  'medications',
  'adherence',
  'side_effects',
  'refill',
  'commitment',
  'outcome',
  'contact',
  'activity',
  'when',
] as const;
export const SlotTypeSchema = z.enum(SLOT_TYPES);
export type SlotType = z.infer<typeof SlotTypeSchema>;

/**
 * What a checkpoint collects and how it is judged:
 * - `type`: the kind of value;
 * - `key`: what the value is about (defaults to the type), so the same fact said once credits every
 *   checkpoint with that key ("two glasses of water" credits both the plan's and a support task's water
 *   checkpoint, and a water checkpoint the generator adds later);
 * - `meal` (meals): the meal the question is about ("What did you have for breakfast?");
 * - `min`/`max` (scale): the accepted range (default 1..10);
 * - `accept_none`: whether "none" / "nothing" is an answer (no side effects, no medications) rather than a
 *   non-answer (default true for the list-like types whose absence is information).
 */
export const SlotSpecSchema = z.strictObject({
  type: SlotTypeSchema,
  key: z.string().regex(/^[a-z0-9_]{1,40}$/).optional(),
  meal: z.enum(['breakfast', 'lunch', 'dinner', 'snack']).optional(),
  min: z.number().int().min(0).max(100).optional(),
  max: z.number().int().min(1).max(100).optional(),
  accept_none: z.boolean().optional(),
});
export type SlotSpec = z.infer<typeof SlotSpecSchema>;

const short = z.string().min(1).max(80);
const list = z.array(short).max(12);

const MealSchema = z.strictObject({
  meal: z.enum(['breakfast', 'lunch', 'dinner', 'snack', 'meal']),
  foods: list,
  skipped: z.boolean().optional(),
});

/** A typed value, discriminated by `type` (the slot type that produced it). */
export const SlotValueSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('free_text'), topics: list, none: z.boolean().optional() }),
  z.strictObject({ type: z.literal('yes_no'), answer: z.boolean() }),
  z.strictObject({ type: z.literal('scale'), score: z.number().min(0).max(100) }),
  z.strictObject({ type: z.literal('duration'), minutes: z.number().min(0).max(100_000) }),
  z.strictObject({
    type: z.literal('mood'),
    valence: z.enum(['positive', 'neutral', 'negative', 'mixed']),
    labels: list,
  }),
  z.strictObject({
    type: z.literal('sleep'),
    quality: z.enum(['good', 'fair', 'poor']).nullable(),
    hours: z.number().min(0).max(24).optional(),
    woke_up: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('meals'), meals: z.array(MealSchema).min(1).max(8) }),
  z.strictObject({ type: z.literal('foods'), foods: list, none: z.boolean().optional() }),
  z.strictObject({ type: z.literal('water'), ml: z.number().min(0).max(20_000) }),
  z.strictObject({ type: z.literal('drinks'), drinks: list, none: z.boolean().optional() }),
  z.strictObject({ type: z.literal('medications'), names: list, none: z.boolean().optional() }),
  z.strictObject({
    type: z.literal('adherence'),
    status: z.enum(['taken', 'missed', 'partial', 'double', 'none_prescribed']),
    names: list.optional(),
  }),
  z.strictObject({ type: z.literal('side_effects'), effects: list, none: z.boolean().optional() }),
  z.strictObject({ type: z.literal('refill'), status: z.enum(['enough', 'low', 'ordered', 'due']) }),
  z.strictObject({ type: z.literal('commitment'), action: short, due: short.optional(), none: z.boolean().optional() }),
  z.strictObject({ type: z.literal('outcome'), outcome: z.enum(['done', 'partial', 'not_done']) }),
  z.strictObject({ type: z.literal('contact'), contacts: list, none: z.boolean().optional() }),
  z.strictObject({ type: z.literal('activity'), activities: list, none: z.boolean().optional() }),
  z.strictObject({ type: z.literal('when'), when: short }),
]);
export type SlotValue = z.infer<typeof SlotValueSchema>;
export type SlotValueOf<T extends SlotType> = Extract<SlotValue, { type: T }>;

