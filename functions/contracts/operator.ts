/**
 * The operator API's models (zod, one source of truth for the types, the validation and the OpenAPI
 * document): the inspection of one conversation, the tenant's conversation list and a conversation's turn
 * log. None of them carries the patient's words unless the deployment stores turn text (`storeTurnText`).
 */
import * as z from 'zod';
import { ID_PATTERN, TaskStackEntrySchema, type FieldProblem, type ParseResult } from './api.js';
import { AgentStatusSchema } from './agent.js';
// Pure zod (no domain logic): the memory engineer's schema is the one source of the memory shape.
import { IndividualMemorySchema } from '../core/memory/schema.js';

/** One entry of a conversation's pause log (a human escalation pauses; an operator resumes). */
export const PauseRecordSchema = z.object({
  action: z.enum(['pause', 'resume']),
  /** Who: the escalating agent's verdict (`human_intervention`, …) or the resuming operator's principal. */
  by: z.string(),
  at: z.string(),
  reason: z.string(),
});

/** A checkpoint as inspection shows it (no user text). */
export const InspectedCheckpointSchema = z.object({
  checkpoint_id: z.string(),
  description: z.string(),
  status: z.string(),
  source: z.string(),
  completed_at: z.string().nullable(),
  /** The typed answer it collects, the value collected (structured, never the patient's words), times asked. */
  slot: z.string().nullable(),
  value: z.record(z.string(), z.unknown()).nullable(),
  asked: z.number().int(),
});
export type InspectedCheckpoint = z.infer<typeof InspectedCheckpointSchema>;

/** A task of the stack as inspection shows it. */
export const InspectedTaskSchema = TaskStackEntrySchema.extend({ checkpoints: z.array(InspectedCheckpointSchema) });

/** GET /conversations/{id}: the stored conversation as operators and tools see it. */
export const ConversationInspectionSchema = z.object({
  conversation_id: z.string(),
  individual_id: z.string(),
  user_profile_id: z.string(),
  plan: z.string(),
  services: z.array(z.string()),
  channel: z.string().nullable(),
  schema_version: z.number().int(),
  /** Stored version (optimistic-concurrency counter). */
  version: z.number().int(),
  turn_count: z.number().int(),
  is_paused: z.boolean(),
  requires_human: z.boolean(),
  current: z.object({ task_id: z.string(), checkpoint_id: z.string().nullable() }).nullable(),
  task_stack: z.array(InspectedTaskSchema),
  checkpoint_progress: z.record(z.string(), z.boolean()),
  pause_log: z.array(PauseRecordSchema),
  created_at: z.string(),
  updated_at: z.string(),
  /** What is remembered about the individual across conversations (structured facts; null = nothing). */
  individual_memory: IndividualMemorySchema.nullable().optional(),
});
export type ConversationInspection = z.infer<typeof ConversationInspectionSchema>;

/** Status filter of the list: `paused` = waiting for a human (is_paused), `active` = not paused. */
export const CONVERSATION_STATUSES = ['active', 'paused'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** One row of GET /conversations (what the list index projects; no task stack, no text). */
export const ConversationSummarySchema = z.object({
  conversation_id: z.string(),
  individual_id: z.string(),
  plan: z.string(),
  status: z.enum(CONVERSATION_STATUSES),
  is_paused: z.boolean(),
  requires_human: z.boolean(),
  turn_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;

/** GET /conversations: the tenant's conversations, most recently updated first. */
export const ConversationListSchema = z.object({
  conversations: z.array(ConversationSummarySchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: z.string().nullable(),
});
export type ConversationList = z.infer<typeof ConversationListSchema>;

const idField = z.string().regex(ID_PATTERN, { message: 'must be 1-128 characters of letters, digits, dot, underscore, colon or hyphen' });
const limitField = (max: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, { message: `must be a whole number from 1 to ${max}` })
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, { message: `must be a whole number from 1 to ${max}` });

/** Query string of GET /conversations. */
export const ConversationListQuerySchema = z.strictObject({
  individual_id: idField.optional(),
  status: z.enum(CONVERSATION_STATUSES).optional(),
  /** Page size, 1-100 (default 25). */
  limit: limitField(100).optional(),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,2048}$/, { message: 'must be a next_cursor value from a previous page' }).optional(),
});
export type ConversationListQuery = z.output<typeof ConversationListQuerySchema>;

/** One agent of a recorded turn: status, latency and start offset (the inspector's waterfall). */
export const TurnAgentSchema = z.object({
  agent: z.string(),
  status: AgentStatusSchema,
  latency_ms: z.number().nullable(),
  /** Milliseconds from the workflow's first recorded start to this agent's start; null when it did not run. */
  offset_ms: z.number().nullable().optional(),
});

/** One committed turn as operators see it (GET /conversations/{id}/turns). */
export const TurnViewSchema = z.object({
  turn: z.number().int(),
  call_log_id: z.string(),
  detected_agent: z.string(),
  responder: z.string(),
  /** When the turn was committed. */
  at: z.string(),
  /** The companion's reply. */
  reply: z.string(),
  requires_human: z.boolean(),
  is_paused: z.boolean(),
  is_enriched: z.boolean(),
  checkpoint_progress: z.record(z.string(), z.boolean()),
  /** The checkpoint this turn evaluated and the verdict, when one was evaluated. */
  evaluated_checkpoint: z.unknown().optional(),
  agents: z.array(TurnAgentSchema),
  /** The routed responder's slot in the waterfall. */
  responder_timing: z.object({ offset_ms: z.number().nullable(), latency_ms: z.number().nullable() }).nullable(),
  timing_metrics: z.record(z.string(), z.number()),
  /** The patient's words: present only when the deployment stores turn text. */
  text: z.string().optional(),
});
export type TurnView = z.infer<typeof TurnViewSchema>;

/** GET /conversations/{id}/turns: committed turns in order. */
export const TurnLogSchema = z.object({
  conversation_id: z.string(),
  turns: z.array(TurnViewSchema),
  /** Whether turn text is stored by this deployment (when false, no patient words are shown anywhere). */
  stores_text: z.boolean(),
});
export type TurnLog = z.infer<typeof TurnLogSchema>;

/** Query string of GET /conversations/{id}/turns. */
export const TurnLogQuerySchema = z.strictObject({
  /** Only turns after this turn number (live views poll with the last turn they have). */
  after: z
    .string()
    .regex(/^\d{1,8}$/, { message: 'must be a turn number (0 or more)' })
    .transform(Number)
    .optional(),
  /** Most turns returned, 1-100 (default 50). */
  limit: limitField(100).optional(),
});
export type TurnLogQuery = z.output<typeof TurnLogQuerySchema>;

/** Validate a query string against a schema; every bad parameter named in a 400 body. */
export function parseQueryString<S extends z.ZodType>(schema: S, query: Record<string, string> | null | undefined): ParseResult<z.output<S>> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const details: FieldProblem[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) details.push({ field: key, problem: 'unknown query parameter' });
    } else {
      details.push({ field: issue.path.map(String).join('.') || '(query)', problem: issue.message });
    }
  }
  return { ok: false, error: { error: 'invalid query string', details } };
}
