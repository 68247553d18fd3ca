/**
 * Operator use cases: inspect a conversation (GET /conversations/{id}) and resume one paused for a human
 * (POST /conversations/{id}/resume). Authentication is the handler's job; `individualId` is the seam for
 * restricting a caller to one individual's conversations (another individual's conversation is a 404, so
 * its existence is not revealed).
 */
import type { TaskStackEntry } from '../contracts/api.js';
import { ConversationNotFoundError, ConversationNotPausedError, RequestValidationError } from '../core/errors.js';
import type { Clock, ConversationStore } from '../core/ports.js';
import { migrateState, type ConversationState, type PauseRecord, type StoredConversation } from '../core/state.js';
import { checkpointProgress, currentPosition, resumeFromPause } from '../core/task-stack.js';
import { isClosed } from '../core/checkpoint-lifecycle.js';

/** What the operator use cases need. TurnDeps satisfies it. */
export interface OperatorDeps {
  store: ConversationStore;
  clock: Clock;
}

/** Who resumes and why (recorded in the pause log). */
export interface ResumeCommand {
  by: string;
  reason: string;
}

/** Restricts an operation to one individual's conversations (the auth seam). */
export interface AccessScope {
  individualId?: string;
}

/** A checkpoint as inspection shows it (no user text). */
export interface InspectedCheckpoint {
  checkpoint_id: string;
  description: string;
  status: string;
  source: string;
  completed_at: string | null;
  /** The typed answer it collects, the value collected (structured, never the patient's words), times asked. */
  slot: string | null;
  value: Record<string, unknown> | null;
  asked: number;
}

/** The stored conversation as operators and tools see it. User text from the context is not included. */
export interface ConversationInspection {
  conversation_id: string;
  individual_id: string;
  user_profile_id: string;
  plan: string;
  services: string[];
  channel: string | null;
  schema_version: number;
  /** Stored version (optimistic-concurrency counter). */
  version: number;
  turn_count: number;
  is_paused: boolean;
  requires_human: boolean;
  current: { task_id: string; checkpoint_id: string | null } | null;
  task_stack: Array<Omit<TaskStackEntry, 'checkpoints'> & { checkpoints: InspectedCheckpoint[] }>;
  checkpoint_progress: Record<string, boolean>;
  pause_log: PauseRecord[];
  created_at: string;
  updated_at: string;
}

/** Shape a stored conversation for operators. */
export function toInspection(state: ConversationState, version: number): ConversationInspection {
  const pos = currentPosition(state);
  return {
    conversation_id: state.conversation_id,
    individual_id: state.individual_id,
    user_profile_id: state.user_profile_id,
    plan: state.plan,
    services: [...state.services],
    channel: state.channel,
    schema_version: state.schema_version,
    version,
    turn_count: state.turn_count,
    is_paused: state.is_paused,
    requires_human: state.requires_human,
    current: pos === null ? null : { task_id: pos.task.task_id, checkpoint_id: pos.checkpoint?.checkpoint_id ?? null },
    task_stack: state.task_stack.map((task) => ({
      task_id: task.task_id,
      name: task.name,
      kind: task.kind,
      ...(task.service !== undefined ? { service: task.service } : {}),
      status: task.status,
      current_checkpoint_id: task.checkpoints.find((c) => !isClosed(c.status))?.checkpoint_id ?? null,
      checkpoints: task.checkpoints.map((c) => ({
        checkpoint_id: c.checkpoint_id,
        description: c.description,
        status: c.status,
        source: c.source,
        completed_at: c.completed_at ?? null,
        slot: c.slot?.type ?? null,
        value: c.value !== undefined ? { ...c.value } : null,
        asked: c.asked ?? 0,
      })),
    })),
    checkpoint_progress: checkpointProgress(state),
    pause_log: state.pause_log.map((p) => ({ ...p })),
    created_at: state.created_at,
    updated_at: state.updated_at,
  };
}

function readScoped(stored: StoredConversation | null, id: string, scope: AccessScope | undefined): ConversationState {
  if (stored === null) throw new ConversationNotFoundError(id);
  const state = migrateState(stored.state);
  if (scope?.individualId !== undefined && state.individual_id !== scope.individualId) {
    throw new ConversationNotFoundError(id);
  }
  return state;
}

/** The stored conversation (read from the table, not the warm cache). Unknown id → ConversationNotFoundError. */
export async function inspectConversation(
  deps: OperatorDeps,
  conversationId: string,
  scope?: AccessScope,
): Promise<ConversationInspection> {
  const stored = await deps.store.get(conversationId, { consistent: true, bypassCache: true });
  const state = readScoped(stored, conversationId, scope);
  return toInspection(state, stored!.version);
}

/**
 * Resume a conversation paused for a human: clears requires_human and is_paused, reactivates the paused task
 * and checkpoint, and records who/when/why. Written with store.update (version-conditioned, retried on
 * conflict). Unknown id → ConversationNotFoundError; not paused → ConversationNotPausedError;
 * empty `by`/`reason` → RequestValidationError.
 */
export async function resumeConversation(
  deps: OperatorDeps,
  conversationId: string,
  command: ResumeCommand,
  scope?: AccessScope,
): Promise<ConversationInspection> {
  const by = command.by.trim();
  const reason = command.reason.trim();
  if (by === '' || by.length > 200) throw RequestValidationError.field('by', 'must be 1-200 characters');
  if (reason === '' || reason.length > 500) throw RequestValidationError.field('reason', 'must be 1-500 characters');
  const stored = await deps.store.update(conversationId, (raw) => {
    const state = readScoped({ state: raw, version: 0, source: 'table' }, conversationId, scope);
    if (!state.is_paused) throw new ConversationNotPausedError(conversationId);
    return resumeFromPause(state, { by, at: new Date(deps.clock.now()).toISOString(), reason });
  });
  if (stored === null) throw new ConversationNotFoundError(conversationId);
  return toInspection(migrateState(stored.state), stored.version);
}
