/**
 * The individual's index (keys.ts): `T#<t>#IND#<individual>` holds one entry per conversation the individual
 * started (`CONV#<id>`) and per idempotency record of their turns (`IDEM#<scope>#<key>`), so the right to
 * erasure finds every key without scanning the table. Entries are written only when something is created
 * (a new conversation, a new idempotency key) and BEFORE it is created: an erasure can then never miss an
 * item, at worst it meets an entry whose item was never written (a lost create race), which it skips.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IndividualIndex } from '../core/access-ports.js';
import type { ConversationStore } from '../core/ports.js';
import { idempotencyPk, individualConversationSk, individualIdempotencySk, individualPk } from './keys.js';
import { mapStoreError } from './dynamo-store.js';

export interface DynamoIndividualIndexOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  tenant: string;
  /** Caller scope of the idempotency records (see idempotency.ts). */
  scope: string;
  /** Days the entries live (the conversations' retention; refreshed only on create). */
  retentionDays: number;
  clock: { now(): number };
}

export class DynamoIndividualIndex implements IndividualIndex {
  constructor(private readonly options: DynamoIndividualIndexOptions) {}

  async noteConversation(individualId: string, conversationId: string): Promise<void> {
    await this.put(individualId, individualConversationSk(conversationId), { conversation_id: conversationId });
  }

  async noteIdempotency(individualId: string, key: string): Promise<void> {
    const { tenant, scope } = this.options;
    await this.put(individualId, individualIdempotencySk(scope, key), { ref_pk: idempotencyPk(tenant, scope, key) });
  }

  private async put(individualId: string, sk: string, attributes: Record<string, string>): Promise<void> {
    const { client, tableName, tenant, clock, retentionDays } = this.options;
    const now = clock.now();
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: individualPk(tenant, individualId),
            sk,
            ...attributes,
            created_at: new Date(now).toISOString(),
            // Outlives the conversation's own TTL by a day so erasure still finds a conversation kept alive to the end.
            expires_at: Math.floor(now / 1000) + Math.round((retentionDays + 1) * 86_400),
          },
        }),
      );
    } catch (error) {
      throw mapStoreError(error, 'PutItem');
    }
  }
}

/**
 * The store, with a conversation-index entry written before a conversation is created (commitTurn with no
 * previous state). Every other call goes to the store unchanged; only creates pay the extra write.
 */
export function withIndividualIndex<S extends ConversationStore>(store: S, index: IndividualIndex): S {
  const commitTurn: ConversationStore['commitTurn'] = async (args) => {
    if (args.previous === null) await index.noteConversation(args.next.individual_id, args.next.conversation_id);
    return store.commitTurn(args);
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'commitTurn') return commitTurn;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
