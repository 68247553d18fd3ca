/**
 * The operator audit log of one tenant (keys.ts): `T#<t>#AUDIT` / `AT#<iso>#<request_id>`, one item per
 * operator read, resume and erasure: who (principal), when, what (action + target id), from which request,
 * and the status it answered. Never conversation text. No TTL: the audit outlives the data it describes.
 */
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditLog } from '../core/access-ports.js';
import { AUDIT_SK_PREFIX, auditPk, auditSk } from './keys.js';
import { mapStoreError } from './dynamo-store.js';

export interface DynamoAuditLogOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  tenant: string;
}

function toEntry(item: Record<string, unknown>): AuditEntry {
  return {
    at: String(item['at']),
    request_id: String(item['request_id']),
    operator: String(item['operator']),
    action: item['action'] as AuditEntry['action'],
    target: String(item['target']),
    ...(typeof item['status'] === 'number' ? { status: item['status'] } : {}),
  };
}

export class DynamoAuditLog implements AuditLog {
  constructor(private readonly options: DynamoAuditLogOptions) {}

  private key(entry: AuditEntry): { pk: string; sk: string } {
    return { pk: auditPk(this.options.tenant), sk: auditSk(entry.at, entry.request_id) };
  }

  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { ...this.key(entry), at: entry.at, request_id: entry.request_id, operator: entry.operator, action: entry.action, target: entry.target },
          // One item per request: a retried Lambda invocation of the same request does not log twice.
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return;
      throw mapStoreError(error, 'PutItem');
    }
  }

  async complete(entry: AuditEntry, status: number): Promise<void> {
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: this.key(entry),
          UpdateExpression: 'SET #status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status },
        }),
      );
    } catch (error) {
      throw mapStoreError(error, 'UpdateItem');
    }
  }

  async list(args: { since: string; limit: number; cursor?: string }): Promise<{ items: AuditEntry[]; cursor?: string }> {
    const pk = auditPk(this.options.tenant);
    try {
      const out = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :from',
          ExpressionAttributeValues: { ':pk': pk, ':from': `${AUDIT_SK_PREFIX}${args.since}` },
          Limit: args.limit,
          ConsistentRead: true,
          ...(args.cursor ? { ExclusiveStartKey: { pk, sk: args.cursor } } : {}),
        }),
      );
      const last = out.LastEvaluatedKey?.['sk'];
      return { items: (out.Items ?? []).map(toEntry), ...(typeof last === 'string' ? { cursor: last } : {}) };
    } catch (error) {
      throw mapStoreError(error, 'Query');
    }
  }
}
