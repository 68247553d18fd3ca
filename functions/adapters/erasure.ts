/**
 * Right to erasure: every item of one individual in one tenant, found through the individual's index
 * (individual-index.ts) — never by scanning:
 *   1. read everything under `T#<t>#IND#<individual>` (conversation and idempotency index entries, memory, …);
 *   2. for each indexed conversation whose state belongs to this individual (or is already gone): delete
 *      every item of its partition (state, turns, summary, lease, …); a conversation another individual
 *      owns (an index entry left by a lost create race) is not touched;
 *   3. delete the indexed idempotency records (they hold stored replies);
 *   4. delete the items read in step 1 — last, so an interrupted erasure can simply be run again.
 * Deletes go in BatchWriteItem chunks of 25, unprocessed items retried.
 */
import { BatchWriteCommand, DeleteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ErasureCounts, IndividualEraser } from '../core/access-ports.js';
import {
  INDIVIDUAL_CONVERSATION_SK_PREFIX,
  INDIVIDUAL_IDEMPOTENCY_SK_PREFIX,
  SK,
  TURN_SK_PREFIX,
  conversationPk,
  individualPk,
} from './keys.js';
import { mapStoreError } from './dynamo-store.js';

type Key = { pk: string; sk: string };

export interface DynamoIndividualEraserOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  tenant: string;
  /** Called with each erased conversation id (drop it from the warm cache). */
  onConversationErased?: (conversationId: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export class DynamoIndividualEraser implements IndividualEraser {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: DynamoIndividualEraserOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async erase(individualId: string): Promise<ErasureCounts> {
    const { tenant } = this.options;
    const counts: ErasureCounts = {
      conversations: 0,
      state_items: 0,
      turn_items: 0,
      other_conversation_items: 0,
      idempotency_records: 0,
      individual_items: 0,
      total: 0,
    };
    const own = await this.queryKeys(individualPk(tenant, individualId), ['ref_pk', 'conversation_id']);
    for (const entry of own) {
      if (entry.sk.startsWith(INDIVIDUAL_CONVERSATION_SK_PREFIX)) {
        const conversationId = typeof entry['conversation_id'] === 'string' ? entry['conversation_id'] : entry.sk.slice(INDIVIDUAL_CONVERSATION_SK_PREFIX.length);
        const pk = conversationPk(tenant, conversationId);
        const state = await this.get({ pk, sk: SK.state });
        if (state && state['individual_id'] !== individualId) continue;
        const items = await this.queryKeys(pk);
        if (items.length === 0) continue;
        await this.deleteAll(items);
        counts.conversations++;
        for (const item of items) {
          if (item.sk === SK.state) counts.state_items++;
          else if (item.sk.startsWith(TURN_SK_PREFIX)) counts.turn_items++;
          else counts.other_conversation_items++;
        }
        this.options.onConversationErased?.(conversationId);
      } else if (entry.sk.startsWith(INDIVIDUAL_IDEMPOTENCY_SK_PREFIX) && typeof entry['ref_pk'] === 'string') {
        if (await this.deleteOne({ pk: entry['ref_pk'], sk: SK.request })) counts.idempotency_records++;
      }
    }
    await this.deleteAll(own.map(({ pk, sk }) => ({ pk, sk })));
    counts.individual_items = own.length;
    counts.total =
      counts.state_items + counts.turn_items + counts.other_conversation_items + counts.idempotency_records + counts.individual_items;
    return counts;
  }

  private async get(key: Key): Promise<Record<string, unknown> | undefined> {
    try {
      const out = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: key, ConsistentRead: true }));
      return out.Item;
    } catch (error) {
      throw mapStoreError(error, 'GetItem');
    }
  }

  /** Every item key of a partition (+ the named attributes), all pages. */
  private async queryKeys(pk: string, extra: string[] = []): Promise<Array<Key & Record<string, unknown>>> {
    const items: Array<Key & Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    const names: Record<string, string> = { '#pk': 'pk', '#sk': 'sk' };
    extra.forEach((a, i) => (names[`#a${i}`] = a));
    do {
      try {
        const out = await this.options.client.send(
          new QueryCommand({
            TableName: this.options.tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ExpressionAttributeNames: names,
            ProjectionExpression: Object.keys(names).join(', '),
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) items.push(item as Key & Record<string, unknown>);
        start = out.LastEvaluatedKey;
      } catch (error) {
        throw mapStoreError(error, 'Query');
      }
    } while (start);
    return items;
  }

  private async deleteOne(key: Key): Promise<boolean> {
    try {
      const out = await this.options.client.send(new DeleteCommand({ TableName: this.options.tableName, Key: key, ReturnValues: 'ALL_OLD' }));
      return out.Attributes !== undefined;
    } catch (error) {
      throw mapStoreError(error, 'DeleteItem');
    }
  }

  private async deleteAll(keys: Key[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 25) {
      let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) await this.sleep(Math.min(1000, 50 * 2 ** attempt));
        if (attempt > 8) throw new Error(`erasure: ${requests.length} deletes still unprocessed after retries`);
        try {
          const out = await this.options.client.send(new BatchWriteCommand({ RequestItems: { [this.options.tableName]: requests } }));
          requests = (out.UnprocessedItems?.[this.options.tableName] ?? []) as typeof requests;
        } catch (error) {
          throw mapStoreError(error, 'BatchWriteItem');
        }
      }
    }
  }
}
