/**
 * Operator use cases: inspect a conversation (GET /conversations/{id}) and resume one paused for a human
 * (POST /conversations/{id}/resume). Authentication is the handler's job; `individualId` is the seam for
 * restricting a caller to one individual's conversations (another individual's conversation is a 404, so
 * its existence is not revealed).
 */
import type { ConversationInspection } from '../contracts/operator.js';
import { ConversationNotFoundError, ConversationNotPausedError, RequestValidationError } from '../core/errors.js';
import type { Clock, ConversationStore } from '../core/ports.js';
import { migrateState, type ConversationState, type StoredConversation } from '../core/state.js';

export type { ConversationInspection, InspectedCheckpoint } from '../contracts/operator.js';
import { checkpointProgress, currentPosition, resumeFromPause } from '../core/task-stack.js';
import type { IndividualMemoryStore } from '../core/memory/ports.js';
import { isClosed } from '../core/checkpoint-lifecycle.js';

/** What the operator use cases need. TurnDeps satisfies it. */
export interface OperatorDeps {
  store: ConversationStore;
  clock: Clock;
  /** Individual memory (issue #16): inspection shows what is remembered about the conversation's individual. */
  memory?: IndividualMemoryStore;
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
  const inspection = toInspection(state, stored!.version);
  if (deps.memory) inspection.individual_memory = await deps.memory.read(state.individual_id, { fresh: true });
  return inspection;
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
