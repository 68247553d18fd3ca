/**
 * Ports of the access layer (operator audit, erasure, the individual's index), as plain interfaces so the
 * orchestrate app and its tests never see the SDK. DynamoDB implementations live in functions/adapters.
 */

/** What an operator did; `target` is an id (conversation) or a pseudonym (erased individual), never text. */
export interface AuditEntry {
  /** ISO time the request arrived. */
  at: string;
  request_id: string;
  /** The operator's principal (IAM ARN or JWT subject). */
  operator: string;
  action: 'inspect' | 'inspect_turns' | 'list_conversations' | 'resume' | 'erase' | 'health_details';
  target: string;
  /** HTTP status the action answered with (set after the action; absent if it never finished). */
  status?: number;
}

/** The tenant's operator audit log. */
export interface AuditLog {
  /** Written BEFORE the action runs: if it fails, the action does not run (no unaudited access). */
  record(entry: AuditEntry): Promise<void>;
  /** The action's outcome, best effort. */
  complete(entry: AuditEntry, status: number): Promise<void>;
  /** Entries at or after `since` (ISO), oldest first; `cursor` continues a previous page. */
  list(args: { since: string; limit: number; cursor?: string }): Promise<{ items: AuditEntry[]; cursor?: string }>;
}

/** Items removed by an erasure, by kind. */
export interface ErasureCounts {
  conversations: number;
  state_items: number;
  turn_items: number;
  /** Summary, lease and any other item of the individual's conversations. */
  other_conversation_items: number;
  idempotency_records: number;
  /** Items under the individual's own key: memory, index entries, … */
  individual_items: number;
  total: number;
}

/** Removes every item of one individual in one tenant. */
export interface IndividualEraser {
  erase(individualId: string): Promise<ErasureCounts>;
}

/** Remembers which keys belong to an individual, so erasure finds them without scanning. */
export interface IndividualIndex {
  noteConversation(individualId: string, conversationId: string): Promise<void>;
  noteIdempotency(individualId: string, key: string): Promise<void>;
}
