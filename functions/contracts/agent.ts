/**
 * The JSON contracts between the orchestrator and its agents, responders and checkpoint generator.
 * Enforced at both ends: the orchestrator parses every result through these schemas, and the reference
 * implementations validate what they receive. A team's own Lambda or HTTP service speaks the same JSON.
 * Documented with examples in docs/contracts.md.
 */
import * as z from 'zod';
import { SlotSpecSchema, SlotValueSchema } from './slots.js';

export const CONTRACT_VERSION = 1;

/** Statuses an agent can end a turn with, as reported in `sync_agent_results`. */
export const AgentStatusSchema = z.enum(['ok', 'error', 'timeout', 'skipped', 'circuit_open']);
export type AgentStatus = z.infer<typeof AgentStatusSchema>;

/** How a checkpoint's completion is judged by the checklist agent. All present rules must hold. */
export const CompletionCriteriaSchema = z
  .object({
    /** At least one of these words/phrases appears (case-insensitive, word boundary). */
    keywords_any: z.array(z.string().min(1)).max(50).optional(),
    /** Every one of these appears. */
    keywords_all: z.array(z.string().min(1)).max(20).optional(),
    /** Another agent of this turn reported a non-empty finding under this key, e.g. nutrition.meals. */
    agent_finding: z.object({ agent: z.string(), key: z.string() }).optional(),
    /** The turn has at least this many words. */
    min_words: z.number().int().min(1).max(500).optional(),
  })
  .strict();
export type CompletionCriteria = z.infer<typeof CompletionCriteriaSchema>;

/** Text per language ('en', 'es'): questions of a checkpoint in each language the plan supports. */
export const LocalizedTextSchema = z.partialRecord(z.enum(['en', 'es']), z.string().min(1).max(500));

/** A checkpoint as agents see it. */
export const CheckpointRefSchema = z.object({
  checkpoint_id: z.string(),
  description: z.string(),
  question: z.string(),
  criteria: CompletionCriteriaSchema,
  status: z.string(),
  /** The task holding it (in `stack_checkpoints`). */
  task_id: z.string().optional(),
  /** The question per language, and the second-attempt wording. */
  questions: LocalizedTextSchema.optional(),
  rephrase: LocalizedTextSchema.optional(),
  /** The typed answer it collects, and the value collected so far (a later answer corrects it). */
  slot: SlotSpecSchema.optional(),
  value: SlotValueSchema.optional(),
  /** How many times its question has been put to the patient. */
  asked: z.number().int().nonnegative().optional(),
});
export type CheckpointRef = z.infer<typeof CheckpointRefSchema>;

export const TaskRefSchema = z.object({
  task_id: z.string(),
  name: z.string(),
  kind: z.enum(['main', 'support']),
  service: z.string().optional(),
  status: z.string(),
});
export type TaskRef = z.infer<typeof TaskRefSchema>;

/** Bounded conversation context handed to agents (never the whole history). */
export const AgentContextSchema = z.object({
  summary: z.string().max(4000).default(''),
  recent: z
    .array(z.object({ turn: z.number().int(), user: z.string(), reply: z.string() }))
    .max(10)
    .default([]),
  turn_number: z.number().int().min(1),
});
export type AgentContext = z.infer<typeof AgentContextSchema>;

/**
 * What the companion remembers about the individual from EARLIER conversations (issue #16): the relevant part
 * of the individual memory, structured values only (never the user's raw words), each fact with when and in
 * which conversation it was learned. Absent when the deployment has no memory or nothing is known yet.
 */
export const AgentMemorySchema = z.object({
  /** The most recent commitment made in another conversation (its outcome, once reported). */
  last_commitment: z
    .object({
      id: z.string().max(64),
      text: z.string().max(200),
      due: z.string().max(80).optional(),
      outcome: z.enum(['done', 'partial', 'missed']).optional(),
      learned_at: z.string(),
      conversation_id: z.string(),
    })
    .nullable(),
  /** Medications the person takes as far as we know (stopped ones are left out). */
  medications: z
    .array(
      z.object({
        name: z.string().max(60),
        dose: z.object({ amount: z.number(), unit: z.string().max(16) }).optional(),
        last_adherence: z.enum(['taken', 'missed']).optional(),
        learned_at: z.string(),
        conversation_id: z.string(),
      }),
    )
    .max(20),
  preferences: z.object({ language: z.enum(['en', 'es']).optional(), preferred_name: z.string().max(40).optional() }),
  /** Last reported mood and sleep and their direction over the last few reports. */
  mood: z.object({ last: z.enum(['good', 'okay', 'low']), trend: z.enum(['improving', 'steady', 'worsening']) }).optional(),
  sleep: z.object({ last: z.enum(['good', 'okay', 'poor']), trend: z.enum(['improving', 'steady', 'worsening']) }).optional(),
  /** A short rolling summary across conversations (built from the facts above, one line per conversation). */
  summary: z.string().max(1000),
});
export type AgentMemory = z.infer<typeof AgentMemorySchema>;

/** The part of an agent's input that is the same for every agent of a turn. */
export const AgentTurnInputSchema = z.object({
  contract_version: z.literal(CONTRACT_VERSION),
  text: z.string(),
  conversation_id: z.string(),
  individual_id: z.string(),
  user_profile_id: z.string(),
  agent_instance_id: z.string(),
  call_log_id: z.string(),
  plan: z.string(),
  channel: z.string().nullable(),
  detected_agent: z.string(),
  task: TaskRefSchema.nullable(),
  checkpoint: CheckpointRefSchema.nullable(),
  /** The current task's checkpoints in order, so responders can look ahead. */
  task_checkpoints: z.array(CheckpointRefSchema).max(50),
  /**
   * Every checkpoint of every task (main first, then support tasks), with task_id, status, slot and value:
   * a turn may answer any open one (or correct a value), and a responder weaves support tasks in.
   */
  stack_checkpoints: z.array(CheckpointRefSchema).max(100).optional(),
  /** The language of this turn ('en' | 'es'), detected by the orchestrator (short answers keep the last). */
  language: z.enum(['en', 'es']).optional(),
  /** True when the previous turn ended with the patient asking to stop: this message resumes. */
  resumed: z.boolean().optional(),
  context: AgentContextSchema,
  /** Individual memory across conversations (optional: absent without memory). See AgentMemorySchema. */
  memory: AgentMemorySchema.optional(),
  /**
   * Bytes (UTF-8 JSON) this turn allows each agent's output, `redacted_text` aside (Step Functions' 256 KB
   * payload is shared by every agent; see functions/core/payload-budget.ts). Set by the orchestrator; a
   * larger output loses its findings first. Absent in a direct call: the default applies.
   */
  max_output_bytes: z.number().int().positive().optional(),
});
export type AgentTurnInput = z.infer<typeof AgentTurnInputSchema>;

/** What an agent returns (its body for HTTP agents, its Lambda result for Lambda agents). */
export const AgentOutputSchema = z.object({
  agent: z.string(),
  status: z.enum(['ok', 'error']),
  /** Structured findings, agent-specific (e.g. nutrition: { meals: [...], water_ml: 500 }). */
  findings: z.record(z.string(), z.unknown()).default({}),
  flags: z
    .object({
      requires_human: z.boolean().optional(),
      severity: z.enum(['low', 'medium', 'high', 'critical']).optional(),
      reason: z.string().max(500).optional(),
      /** Set by the checklist agent: the evaluated checkpoint's criteria are met. */
      checkpoint_complete: z.boolean().optional(),
      /** The checkpoint the flag refers to, so a late apply never completes the wrong one. */
      checkpoint_id: z.string().optional(),
    })
    .default({}),
  /** Privacy agent only: the text with personal identifiers replaced; dependents must use it. */
  redacted_text: z.string().optional(),
  /** One line a responder may use to acknowledge the finding (no raw identifiers). */
  summary: z.string().max(1000).optional(),
});
export type AgentOutput = z.infer<typeof AgentOutputSchema>;

/** What an agent receives: the turn input plus its dependencies' outputs. */
export const AgentRequestSchema = AgentTurnInputSchema.extend({
  agent: z.string(),
  dependencies: z.record(z.string(), AgentOutputSchema).default({}),
});
export type AgentRequest = z.infer<typeof AgentRequestSchema>;

/** One agent's outcome in a turn, as the orchestrator reports it. */
export const AgentResultSchema = z.object({
  agent: z.string(),
  status: AgentStatusSchema,
  latency_ms: z.number().nonnegative().nullable(),
  /** Milliseconds from the workflow's first recorded start to this agent's start (for a latency waterfall). */
  offset_ms: z.number().nonnegative().optional(),
  output: AgentOutputSchema.optional(),
  error: z.object({ type: z.string(), message: z.string().max(500) }).optional(),
});
export type AgentResult = z.infer<typeof AgentResultSchema>;

/** Responders: primary and the specialists (loneliness, accountability, therapy). */
export const ResponderNameSchema = z.enum(['primary', 'loneliness', 'accountability', 'therapy']);
export type ResponderName = z.infer<typeof ResponderNameSchema>;

export const ResponderRequestSchema = AgentTurnInputSchema.extend({
  responder: ResponderNameSchema,
  /** Outputs of the agents that ran this turn with status ok. */
  agent_results: z.record(z.string(), AgentOutputSchema).default({}),
});
export type ResponderRequest = z.infer<typeof ResponderRequestSchema>;

export const ResponderOutputSchema = z.object({
  responder: ResponderNameSchema,
  response: z.string().min(1).max(4000),
  /** True when the reply used agent findings (the seed's is_enriched). */
  is_enriched: z.boolean(),
  /** The checkpoint the reply asks about next, if any. */
  asks_checkpoint_id: z.string().nullable().default(null),
});
export type ResponderOutput = z.infer<typeof ResponderOutputSchema>;

/** Checkpoint generator (async after each turn, or the external CHECKPOINT_URL service). */
export const GeneratedCheckpointSchema = z.object({
  checkpoint_id: z.string().min(1).max(128),
  description: z.string().min(1).max(500),
  question: z.string().min(1).max(500),
  criteria: CompletionCriteriaSchema.default({}),
  questions: LocalizedTextSchema.optional(),
  rephrase: LocalizedTextSchema.optional(),
  slot: SlotSpecSchema.optional(),
});
export type GeneratedCheckpoint = z.infer<typeof GeneratedCheckpointSchema>;

export const CheckpointGenerationRequestSchema = z.object({
  contract_version: z.literal(CONTRACT_VERSION),
  conversation_id: z.string(),
  plan: z.string(),
  task_id: z.string(),
  /** The version of the state the request was made from (the generator re-reads anyway). */
  based_on_version: z.number().int().nonnegative(),
  completed_checkpoint_ids: z.array(z.string()).max(200),
  context_summary: z.string().max(4000).default(''),
  detected_agent: z.string(),
});
export type CheckpointGenerationRequest = z.infer<typeof CheckpointGenerationRequestSchema>;

export const CheckpointGenerationOutputSchema = z.object({
  task_id: z.string(),
  checkpoints: z.array(GeneratedCheckpointSchema).max(20),
});
export type CheckpointGenerationOutput = z.infer<typeof CheckpointGenerationOutputSchema>;
