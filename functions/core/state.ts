/**
 * Conversation state as plain data. One DynamoDB item per conversation holds exactly these top-level
 * fields (each a top-level attribute, so dirty tracking works per field). Turns live in their own items.
 * Bump SCHEMA_VERSION and extend `migrateState` whenever the shape changes, so a conversation stored by
 * an older release still loads after a deploy.
 */
import * as z from 'zod';
import type { OrchestratorQuery } from '../contracts/api.js';
import { CompletionCriteriaSchema, type CompletionCriteria } from '../contracts/agent.js';
import { StateMigrationError } from './errors.js';
import type { Language } from './language.js';
import { SlotSpecSchema, SlotValueSchema, type SlotSpec, type SlotValue } from './slots/types.js';
import { slotFromCriteria } from './slots/legacy.js';

export const SCHEMA_VERSION = 2;

/**
 * Checkpoint lifecycle: the seed's state diagram plus two terminal outcomes — `declined` (the patient
 * refused) and `skipped` (no usable answer after two attempts).
 */
export type CheckpointStatus =
  | 'generated'
  | 'pending'
  | 'in_progress'
  | 'evaluating'
  | 'complete'
  | 'paused'
  | 'declined'
  | 'skipped';

/** Question text per language (at least English; the plan catalog carries Spanish too). */
export type LocalizedText = Partial<Record<Language, string>>;

export interface Checkpoint {
  checkpoint_id: string;
  description: string;
  /** What the responder asks to make progress on this checkpoint (the default-language wording). */
  question: string;
  /** The question per language; `question` is used for a language not listed. */
  questions?: LocalizedText;
  /** A different wording for the second attempt (never repeat a question verbatim). */
  rephrase?: LocalizedText;
  /** Legacy keyword / agent-finding criteria (what a team's own checklist agent may still judge by). */
  criteria: CompletionCriteria;
  /** The typed answer this checkpoint collects (schema v2). */
  slot?: SlotSpec;
  /** The typed value collected (structured, never the patient's sentence); a later answer replaces it. */
  value?: SlotValue;
  /** How many times the question has been put to the patient. */
  asked?: number;
  status: CheckpointStatus;
  source: 'plan' | 'generated' | 'external';
  completed_at?: string;
}

export type TaskStatus = 'active' | 'complete' | 'paused';

export interface Task {
  task_id: string;
  name: string;
  kind: 'main' | 'support';
  /** For support tasks: the service that added it (privacy, nutrition, followup, ...). */
  service?: string;
  status: TaskStatus;
  checkpoints: Checkpoint[];
}

export interface PauseRecord {
  action: 'pause' | 'resume';
  by: string;
  at: string;
  reason: string;
}

export interface TurnSummary {
  turn: number;
  /** Redacted user text (privacy agent output when available); never raw identifiers. */
  user: string;
  reply: string;
}

export interface ConversationState {
  schema_version: number;
  conversation_id: string;
  individual_id: string;
  user_profile_id: string;
  agent_instance_id: string;
  plan: string;
  services: string[];
  channel: string | null;
  task_stack: Task[];
  /** Number of committed turns; the next turn is turn_count + 1. */
  turn_count: number;
  is_paused: boolean;
  requires_human: boolean;
  /** Bounded log of pause/resume actions (who, when, why). */
  pause_log: PauseRecord[];
  /** Bounded rolling context: a summary plus the last few turns. */
  context: { summary: string; recent: TurnSummary[] };
  /** The language the patient last wrote in (short answers keep it). */
  language: Language;
  /**
   * Typed values the patient volunteered, by slot key, for checkpoints that were not on the stack yet
   * (bounded: one value per key). A checkpoint added later with that key is credited from here.
   */
  noted: Record<string, SlotValue>;
  /** True after a turn in which the patient asked to stop; the next message resumes. */
  stopped: boolean;
  created_at: string;
  updated_at: string;
}

/** A state as read from the store, with the version the write must be conditioned on. */
export interface StoredConversation {
  state: ConversationState;
  version: number;
  /** Where the read was served from: the warm in-container cache or the table. */
  source: 'cache' | 'table';
  /** Turn-queue fencing marks and the last turn's record, when the store keeps them (ports.ts CommitMarks). */
  marks?: { served: number; fence: number; lastTurn?: unknown };
}

/** How many recent turns the rolling context keeps verbatim (AgentContext allows up to 10). */
export const RECENT_TURNS = 6;
/** Longest rolling summary kept (AgentContext caps it at 4000 characters). */
export const MAX_SUMMARY_CHARS = 4000;

/**
 * A new conversation for the first turn of `query`, holding `tasks` (main task first, then support tasks,
 * built from the plan catalog or the checkpoint service). Nothing is in progress yet: the turn starts the
 * first checkpoint. `now` is epoch ms.
 */
export function newConversation(query: OrchestratorQuery, tasks: readonly Task[], now: number): ConversationState {
  const at = new Date(now).toISOString();
  return {
    schema_version: SCHEMA_VERSION,
    conversation_id: query.conversation_id,
    individual_id: query.individual_id,
    user_profile_id: query.user_profile_id,
    agent_instance_id: query.agent_instance_id,
    plan: query.plan,
    services: [...query.services],
    channel: query.channel ?? null,
    task_stack: tasks.map((t) => ({ ...t, checkpoints: t.checkpoints.map((c) => ({ ...c })) })),
    turn_count: 0,
    is_paused: false,
    requires_human: false,
    pause_log: [],
    context: { summary: '', recent: [] },
    language: 'en',
    noted: {},
    stopped: false,
    created_at: at,
    updated_at: at,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Schema versions and migration
// ---------------------------------------------------------------------------------------------------------

const CheckpointSchemaV1 = z.object({
  checkpoint_id: z.string(),
  description: z.string(),
  question: z.string(),
  criteria: CompletionCriteriaSchema,
  status: z.enum(['generated', 'pending', 'in_progress', 'evaluating', 'complete', 'paused']),
  source: z.enum(['plan', 'generated', 'external']),
  completed_at: z.string().optional(),
});

const TaskSchemaV1 = z.object({
  task_id: z.string(),
  name: z.string(),
  kind: z.enum(['main', 'support']),
  service: z.string().optional(),
  status: z.enum(['active', 'complete', 'paused']),
  checkpoints: z.array(CheckpointSchemaV1),
});

/**
 * Schema of a v1 state. Loose at the top level: attributes the store keeps next to the state (keys,
 * version, TTL) pass through untouched, so dirty tracking never sees them as removed.
 */
export const ConversationStateSchemaV1 = z.looseObject({
  schema_version: z.literal(1),
  conversation_id: z.string(),
  individual_id: z.string(),
  user_profile_id: z.string(),
  agent_instance_id: z.string(),
  plan: z.string(),
  services: z.array(z.string()),
  channel: z.string().nullable(),
  task_stack: z.array(TaskSchemaV1),
  turn_count: z.number().int().nonnegative(),
  is_paused: z.boolean(),
  requires_human: z.boolean(),
  pause_log: z.array(
    z.object({ action: z.enum(['pause', 'resume']), by: z.string(), at: z.string(), reason: z.string() }),
  ),
  context: z.object({
    summary: z.string(),
    recent: z.array(z.object({ turn: z.number().int(), user: z.string(), reply: z.string() })),
  }),
  created_at: z.string(),
  updated_at: z.string(),
});

/**
 * Schema v0: what the first release (a port of the seed's Python state) stored. No `schema_version`;
 * `tasks` instead of `task_stack`, each task and checkpoint with a `completed` boolean instead of a status,
 * checkpoints keyed `id`; `paused` instead of `is_paused`; no pause log; context as `summary` + `history`
 * of `{ user, assistant }` pairs.
 */
export const ConversationStateSchemaV0 = z.looseObject({
  schema_version: z.literal(0).optional(),
  conversation_id: z.string(),
  individual_id: z.string(),
  user_profile_id: z.string().default(''),
  agent_instance_id: z.string().default(''),
  plan: z.string(),
  services: z.array(z.string()).default([]),
  channel: z.string().nullable().optional(),
  tasks: z.array(
    z.object({
      task_id: z.string(),
      name: z.string(),
      type: z.enum(['main', 'support']).default('main'),
      service: z.string().optional(),
      completed: z.boolean().default(false),
      checkpoints: z.array(
        z.object({
          id: z.string(),
          description: z.string(),
          question: z.string().optional(),
          criteria: CompletionCriteriaSchema.optional(),
          completed: z.boolean().default(false),
        }),
      ),
    }),
  ),
  turn_count: z.number().int().nonnegative().default(0),
  paused: z.boolean().default(false),
  requires_human: z.boolean().optional(),
  summary: z.string().default(''),
  history: z.array(z.object({ user: z.string(), assistant: z.string() })).default([]),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ConversationStateV0 = z.infer<typeof ConversationStateSchemaV0>;

/**
 * v0 → v1. Statuses are derived so the result satisfies the v1 task-stack invariants: completed → complete;
 * the first open checkpoint of the first open task is in_progress once the conversation has had a turn
 * (paused, with its task, when the v0 conversation was paused); everything else pending.
 */
export function migrateV0toV1(v0: ConversationStateV0): ConversationStateV1 {
  const paused = v0.paused || v0.requires_human === true;
  let currentFound = false;
  const task_stack: ConversationStateV1['task_stack'] = v0.tasks.map((t) => {
    const openIndex = t.checkpoints.findIndex((c) => !c.completed);
    const taskComplete = openIndex < 0 && (t.completed || t.checkpoints.length > 0);
    const isCurrent = !taskComplete && !currentFound;
    if (isCurrent) currentFound = true;
    let seenOpen = false;
    const checkpoints: Checkpoint[] = t.checkpoints.map((c) => {
      // v0 could mark a later checkpoint complete out of order; v1 completes in order, so only a
      // leading run of completed checkpoints is kept complete.
      const complete = c.completed && !seenOpen;
      let status: CheckpointStatus = 'pending';
      if (complete) status = 'complete';
      else if (!seenOpen) {
        seenOpen = true;
        if (isCurrent && v0.turn_count > 0) status = paused ? 'paused' : 'in_progress';
      }
      const cp: Checkpoint = {
        checkpoint_id: c.id,
        description: c.description,
        question: c.question ?? c.description,
        criteria: c.criteria ?? {},
        status,
        source: 'plan',
      };
      if (complete) cp.completed_at = v0.updated_at;
      return cp;
    });
    const task: Task = {
      task_id: t.task_id,
      name: t.name,
      kind: t.type,
      status: taskComplete ? 'complete' : isCurrent && paused ? 'paused' : 'active',
      checkpoints,
    };
    if (t.service !== undefined) task.service = t.service;
    return task;
  });
  const recent = v0.history.slice(-RECENT_TURNS).map((h, i, arr) => ({
    turn: v0.turn_count - (arr.length - 1 - i),
    user: h.user,
    reply: h.assistant,
  }));
  return {
    schema_version: 1 as const,
    conversation_id: v0.conversation_id,
    individual_id: v0.individual_id,
    user_profile_id: v0.user_profile_id,
    agent_instance_id: v0.agent_instance_id,
    plan: v0.plan,
    services: v0.services,
    channel: v0.channel ?? null,
    task_stack,
    turn_count: v0.turn_count,
    is_paused: paused,
    requires_human: paused,
    pause_log: paused ? [{ action: 'pause', by: 'migration:v0', at: v0.updated_at, reason: 'paused before schema v1' }] : [],
    context: { summary: v0.summary.slice(-MAX_SUMMARY_CHARS), recent },
    created_at: v0.created_at,
    updated_at: v0.updated_at,
  };
}

const LocalizedTextSchema = z.partialRecord(z.enum(['en', 'es']), z.string().min(1).max(500));

const CheckpointSchemaV2 = CheckpointSchemaV1.extend({
  status: z.enum(['generated', 'pending', 'in_progress', 'evaluating', 'complete', 'paused', 'declined', 'skipped']),
  questions: LocalizedTextSchema.optional(),
  rephrase: LocalizedTextSchema.optional(),
  slot: SlotSpecSchema.optional(),
  value: SlotValueSchema.optional(),
  asked: z.number().int().nonnegative().optional(),
});

const TaskSchemaV2 = TaskSchemaV1.extend({ checkpoints: z.array(CheckpointSchemaV2) });

/** Schema of a v2 state: v1 plus typed checkpoint values, declined/skipped, language and noted values. */
export const ConversationStateSchemaV2 = ConversationStateSchemaV1.extend({
  schema_version: z.literal(2),
  task_stack: z.array(TaskSchemaV2),
  language: z.enum(['en', 'es']),
  noted: z.record(z.string(), SlotValueSchema),
  stopped: z.boolean(),
});

/** The stored shape of schema v1 (no slots, values, language). */
export type ConversationStateV1 = Omit<ConversationState, 'schema_version' | 'language' | 'noted' | 'stopped'> & {
  schema_version: 1;
};

/**
 * v1 → v2: each checkpoint gets the slot its legacy criteria describe (agent findings map to their typed
 * slot, numeric keywords to a scale, the rest to free text), its question as the English wording, and no
 * value (a v1 completion knew no value; its status stays). The conversation starts in English.
 */
export function migrateV1toV2(v1: ConversationStateV1): ConversationState {
  return {
    ...v1,
    schema_version: 2,
    task_stack: v1.task_stack.map((t) => ({
      ...t,
      checkpoints: t.checkpoints.map((c) => ({
        ...c,
        questions: c.questions ?? { en: c.question },
        slot: c.slot ?? slotFromCriteria(c.criteria),
      })),
    })),
    language: 'en',
    noted: {},
    stopped: false,
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Read a stored conversation of any known schema version as the current one. v1 is validated and returned
 * as is (extra store attributes preserved); v0 is migrated. An unknown or newer version, or a shape that
 * matches no version, is a StateMigrationError (never a silently wrong conversation).
 */
export function migrateState(raw: unknown): ConversationState {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new StateMigrationError(undefined, 'stored state is not an object');
  }
  const version = (raw as Record<string, unknown>)['schema_version'];
  if (version === SCHEMA_VERSION) {
    const parsed = ConversationStateSchemaV2.safeParse(raw);
    if (!parsed.success) throw new StateMigrationError(version, describeIssues(parsed.error));
    return raw as ConversationState;
  }
  if (version === 1) {
    const parsed = ConversationStateSchemaV1.safeParse(raw);
    if (!parsed.success) throw new StateMigrationError(version, describeIssues(parsed.error));
    return migrateV1toV2(raw as ConversationStateV1);
  }
  if (version === undefined || version === 0) {
    const parsed = ConversationStateSchemaV0.safeParse(raw);
    if (!parsed.success) throw new StateMigrationError(version ?? 0, describeIssues(parsed.error));
    return migrateV1toV2(migrateV0toV1(parsed.data));
  }
  throw new StateMigrationError(version, `unknown schema_version (this release reads 0..${SCHEMA_VERSION})`);
}
