/**
 * Individual memory (issue #16): the one declaration of its shapes, in zod, types inferred.
 *
 *   IndividualMemory   the stored record of one individual (within a tenant): durable facts across
 *                      conversations. Structured values only — never the user's raw words; every fact says when
 *                      and in which conversation (and turn) it was learned; every list is bounded, so the record
 *                      stays a few KB however long the person talks to us.
 *   MemoryFacts        what one committed turn contributes (extracted from the agents' structured outputs).
 *   MemoryWriteRequest the async memory writer's input: facts of one (conversation, turn).
 *
 * The agents' view of it (AgentMemory, part of the agent contract) lives in contracts/agent.ts.
 */
import * as z from 'zod';

export const MEMORY_SCHEMA_VERSION = 1;

/** Bounds of the stored record (oldest dropped first). */
export const MEMORY_LIMITS = {
  commitments: 10,
  medications: 20,
  moodReadings: 7,
  sleepReadings: 7,
  summaryLines: 8,
  summaryLineChars: 160,
  /** (conversation, turn) pairs remembered for idempotency. */
  applied: 30,
  /** Turns per conversation remembered individually; older ones count as applied. */
  appliedWindow: 32,
  commitmentChars: 200,
  dueChars: 80,
} as const;

/** When and where a fact was learned. */
export const ProvenanceSchema = z.object({
  at: z.string(),
  conversation_id: z.string().min(1).max(128),
  turn: z.number().int().min(0),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

export const OutcomeSchema = z.enum(['done', 'partial', 'missed']);
export type CommitmentOutcome = z.infer<typeof OutcomeSchema>;
export const MoodSchema = z.enum(['good', 'okay', 'low']);
export const SleepSchema = z.enum(['good', 'okay', 'poor']);
export const LanguageSchema = z.enum(['en', 'es']);

export const CommitmentFactSchema = z.object({
  /** Stable id: a fingerprint of the normalised text (the same plan said twice is one commitment). */
  id: z.string().min(1).max(64),
  text: z.string().min(1).max(MEMORY_LIMITS.commitmentChars),
  due: z.string().max(MEMORY_LIMITS.dueChars).optional(),
  learned: ProvenanceSchema,
  outcome: z.object({ status: OutcomeSchema, learned: ProvenanceSchema }).optional(),
});
export type CommitmentFact = z.infer<typeof CommitmentFactSchema>;

export const DoseSchema = z.object({ amount: z.number().finite(), unit: z.string().min(1).max(16) });

export const MedicationFactSchema = z.object({
  /** Canonical name (the medication agent's lexicon), lower case. */
  name: z.string().min(1).max(60),
  status: z.enum(['active', 'stopped']),
  dose: DoseSchema.optional(),
  last_adherence: z.enum(['taken', 'missed']).optional(),
  /** First time it was named. */
  learned: ProvenanceSchema,
  /** Last time anything about it was said (confirmation, correction, adherence). */
  updated: ProvenanceSchema,
});
export type MedicationFact = z.infer<typeof MedicationFactSchema>;

export const PreferenceSchema = <T extends z.ZodType>(value: T) => z.object({ value, learned: ProvenanceSchema });

export const IndividualMemorySchema = z.object({
  schema_version: z.literal(MEMORY_SCHEMA_VERSION),
  individual_id: z.string().min(1).max(128),
  commitments: z.array(CommitmentFactSchema).max(MEMORY_LIMITS.commitments),
  medications: z.array(MedicationFactSchema).max(MEMORY_LIMITS.medications),
  preferences: z.object({
    language: PreferenceSchema(LanguageSchema).optional(),
    preferred_name: PreferenceSchema(z.string().min(1).max(40)).optional(),
  }),
  mood: z.array(z.object({ value: MoodSchema, learned: ProvenanceSchema })).max(MEMORY_LIMITS.moodReadings),
  sleep: z.array(z.object({ value: SleepSchema, learned: ProvenanceSchema })).max(MEMORY_LIMITS.sleepReadings),
  /** One line per conversation, rendered from that conversation's facts (never the user's words). */
  summary: z
    .array(z.object({ conversation_id: z.string(), plan: z.string().max(64), at: z.string(), line: z.string().max(MEMORY_LIMITS.summaryLineChars) }))
    .max(MEMORY_LIMITS.summaryLines),
  /**
   * Turns applied per conversation: the writer is idempotent per (conversation, turn), and a turn arriving after a
   * later one (async events are not ordered) is still applied. `turn` is the highest; `turns` the recent ones.
   */
  applied: z
    .array(
      z.object({
        conversation_id: z.string(),
        turn: z.number().int().min(0),
        turns: z.array(z.number().int().min(0)).max(MEMORY_LIMITS.appliedWindow),
        at: z.string(),
      }),
    )
    .max(MEMORY_LIMITS.applied),
  updated_at: z.string(),
});
export type IndividualMemory = z.infer<typeof IndividualMemorySchema>;

/** What one turn teaches us. Every field optional; an empty object teaches nothing. */
export const MemoryFactsSchema = z.object({
  commitments: z
    .array(z.object({ text: z.string().min(1).max(MEMORY_LIMITS.commitmentChars), due: z.string().max(MEMORY_LIMITS.dueChars).optional() }))
    .max(5)
    .optional(),
  /** The outcome of an earlier commitment (by id), as reported in this turn. */
  commitment_outcome: z.object({ commitment_id: z.string().min(1).max(64), status: OutcomeSchema }).optional(),
  medications: z
    .array(
      z.object({
        name: z.string().min(1).max(60),
        status: z.enum(['active', 'stopped']),
        dose: DoseSchema.optional(),
        adherence: z.enum(['taken', 'missed', 'unknown']).optional(),
      }),
    )
    .max(20)
    .optional(),
  language: LanguageSchema.optional(),
  preferred_name: z.string().min(1).max(40).optional(),
  mood: MoodSchema.optional(),
  sleep: SleepSchema.optional(),
});
export type MemoryFacts = z.infer<typeof MemoryFactsSchema>;

export const MemoryWriteRequestSchema = z.object({
  contract_version: z.literal(1),
  tenant: z.string().min(1).max(128),
  individual_id: z.string().min(1).max(128),
  conversation_id: z.string().min(1).max(128),
  plan: z.string().min(1).max(64),
  /** The committed turn's number (1-based). */
  turn: z.number().int().min(1),
  /** When the turn was committed (ISO). */
  at: z.string(),
  facts: MemoryFactsSchema,
});
export type MemoryWriteRequest = z.infer<typeof MemoryWriteRequestSchema>;

/** True when the facts carry nothing worth a write. */
export function isEmptyFacts(facts: MemoryFacts): boolean {
  return (
    (facts.commitments?.length ?? 0) === 0 &&
    facts.commitment_outcome === undefined &&
    (facts.medications?.length ?? 0) === 0 &&
    facts.language === undefined &&
    facts.preferred_name === undefined &&
    facts.mood === undefined &&
    facts.sleep === undefined
  );
}
