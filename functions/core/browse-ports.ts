/**
 * What the operator views need besides the ConversationStore: the tenant's conversation list (newest first,
 * filtered) and a conversation's turn log from a given turn on. Implemented on DynamoDB by
 * adapters/conversation-browser.ts (a sparse GSI and a key-range Query); nothing here imports AWS.
 */
import type { ConversationStatus, ConversationSummary } from '../contracts/operator.js';
import type { TurnRecord } from './ports.js';

/** One page request of the list. */
export interface ConversationListRequest {
  individualId?: string | undefined;
  status?: ConversationStatus | undefined;
  limit: number;
  /** Opaque `next_cursor` of the previous page. */
  cursor?: string | undefined;
}

export interface ConversationBrowser {
  /** The tenant's conversations, most recently updated first. A cursor that is not this tenant's → RequestValidationError. */
  listConversations(tenant: string, request: ConversationListRequest): Promise<{ rows: ConversationSummary[]; nextCursor: string | null }>;
  /** Turns numbered after `after`, in order, at most `limit`. */
  listTurns(tenant: string, conversationId: string, request: { after: number; limit: number }): Promise<TurnRecord[]>;
}
