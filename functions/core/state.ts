/**
 * Conversation state as plain data. One DynamoDB item per conversation holds exactly these top-level
 * fields (each a top-level attribute, so dirty tracking works per field). Turns live in their own items.
 * Bump SCHEMA_VERSION and extend `migrateState` whenever the shape changes, so a conversation stored by
 * an older release still loads after a deploy.
 */
import type { CompletionCriteria } from '../contracts/agent.js';

export const SCHEMA_VERSION = 1;

/** Checkpoint lifecycle (seed state diagram). */
export type CheckpointStatus = 'generated' | 'pending' | 'in_progress' | 'evaluating' | 'complete' | 'paused';

export interface Checkpoint {
  checkpoint_id: string;
  description: string;
  /** What the responder asks to make progress on this checkpoint. */
  question: string;
  criteria: CompletionCriteria;
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
  created_at: string;
  updated_at: string;
}

/** A state as read from the store, with the version the write must be conditioned on. */
export interface StoredConversation {
  state: ConversationState;
  version: number;
  /** Where the read was served from: the warm in-container cache or the table. */
  source: 'cache' | 'table';
}
