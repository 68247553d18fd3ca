/**
 * ConversationBrowser on the single table: the operator list reads the sparse `conversations-by-update` GSI
 * (keys.ts; written by the state write itself) newest first, and the turn log is one key-range Query on the
 * conversation's partition. Filters (individual, status) are FilterExpressions on the tenant's index
 * partition: a page is filled by a few Queries at most, and a cursor carries on where the last one stopped.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConversationSummary } from '../contracts/operator.js';
import type { ConversationBrowser, ConversationListRequest } from '../core/browse-ports.js';
import { RequestValidationError } from '../core/errors.js';
import type { TurnRecord } from '../core/ports.js';
import { CONVERSATION_LIST_INDEX, conversationListPk, conversationPk, turnSk } from './keys.js';
import { mapStoreError } from './dynamo-store.js';

/** Queries one list page may take when a filter drops rows (each reads at most `limit` index items). */
const MAX_QUERIES_PER_PAGE = 5;

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, tenant: string): Record<string, string> {
  const bad = () => RequestValidationError.field('cursor', 'must be a next_cursor value from a previous page');
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (key === null || typeof key !== 'object' || Array.isArray(key)) throw bad();
  const entries = Object.entries(key as Record<string, unknown>);
  const names = entries.map(([k]) => k).sort();
  if (names.join(',') !== [CONVERSATION_LIST_INDEX.pk, CONVERSATION_LIST_INDEX.sk, 'pk', 'sk'].sort().join(',')) throw bad();
  if (!entries.every(([, v]) => typeof v === 'string' && v.length <= 1024)) throw bad();
  const typed = key as Record<string, string>;
  // A cursor never opens another tenant's list.
  if (typed[CONVERSATION_LIST_INDEX.pk] !== conversationListPk(tenant) || !typed.pk!.startsWith(`T#${tenant}#`)) throw bad();
  return typed;
}

function toSummary(item: Record<string, unknown>): ConversationSummary {
  const paused = item['is_paused'] === true;
  return {
    conversation_id: String(item['conversation_id'] ?? ''),
    individual_id: String(item['individual_id'] ?? ''),
    plan: String(item['plan'] ?? ''),
    status: paused ? 'paused' : 'active',
    is_paused: paused,
    requires_human: item['requires_human'] === true,
    turn_count: typeof item['turn_count'] === 'number' ? item['turn_count'] : 0,
    created_at: String(item['created_at'] ?? ''),
    updated_at: String(item['updated_at'] ?? ''),
  };
}

export class DynamoConversationBrowser implements ConversationBrowser {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async listConversations(tenant: string, request: ConversationListRequest): Promise<{ rows: ConversationSummary[]; nextCursor: string | null }> {
    const names: Record<string, string> = { '#lpk': CONVERSATION_LIST_INDEX.pk };
    const values: Record<string, unknown> = { ':lpk': conversationListPk(tenant) };
    const filters: string[] = [];
    if (request.individualId !== undefined) {
      names['#ind'] = 'individual_id';
      values[':ind'] = request.individualId;
      filters.push('#ind = :ind');
    }
    if (request.status !== undefined) {
      names['#paused'] = 'is_paused';
      values[':paused'] = request.status === 'paused';
      filters.push('#paused = :paused');
    }
    let startKey: Record<string, unknown> | undefined = request.cursor !== undefined ? decodeCursor(request.cursor, tenant) : undefined;
    const rows: ConversationSummary[] = [];
    for (let i = 0; i < MAX_QUERIES_PER_PAGE && rows.length < request.limit; i++) {
      let out;
      try {
        out = await this.options.client.send(
          new QueryCommand({
            TableName: this.options.tableName,
            IndexName: CONVERSATION_LIST_INDEX.name,
            KeyConditionExpression: '#lpk = :lpk',
            ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            Limit: request.limit - rows.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
      } catch (error) {
        throw mapStoreError(error, 'Query');
      }
      for (const item of out.Items ?? []) rows.push(toSummary(item));
      startKey = out.LastEvaluatedKey;
      if (!startKey) break;
    }
    return { rows, nextCursor: startKey ? encodeCursor(startKey) : null };
  }

  async listTurns(tenant: string, conversationId: string, request: { after: number; limit: number }): Promise<TurnRecord[]> {
    try {
      const out = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': conversationPk(tenant, conversationId),
            ':from': turnSk(request.after + 1),
            ':to': turnSk(99_999_999),
          },
          ScanIndexForward: true,
          Limit: request.limit,
        }),
      );
      return (out.Items ?? []).map((item) => {
        const { pk: _pk, sk: _sk, expires_at: _ttl, ...record } = item;
        return record as TurnRecord;
      });
    } catch (error) {
      throw mapStoreError(error, 'Query');
    }
  }
}
