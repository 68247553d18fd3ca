/**
 * Individual memory on the state table (issue #16), optionally behind an external Memory Service (MEMORY_URL).
 *
 * Item (keys from keys.ts, under the individual's partition, so erasing the individual's keys erases it):
 *   pk=T#<tenant>#IND#<individual_id>  sk=MEMORY   { memory, version, updated_at, expires_at, pending_sync? }
 * `expires_at` = last write + `retentionDays` (context `memoryRetentionDays`): memory has its own retention,
 * refreshed by every write, independent of the conversations'.
 *
 * Writes are read-modify-write conditioned on the version read (PutItem `version = :read`, or
 * `attribute_not_exists(pk)` for the first), re-read and re-applied on a conflict: two conversations of one
 * individual writing at once never lose a fact. Applying is idempotent per (conversation, turn) (core merge).
 *
 * With a Memory Service: reads ask the service (DynamoDB when it fails or its breaker is open); writes go to the
 * service (conditional on its version, 409 → retry) and then to the DynamoDB copy, which serves as the cache and
 * the fallback. While the service is down, writes land in DynamoDB flagged `pending_sync`; the next write after
 * it recovers merges that copy into the service's record (mergeMemories is a union), so nothing learned during
 * the outage is lost. A failing service never fails a turn.
 *
 * Reads go through the warm cache (kind `context`, the seed's 5-minute TTL). A conversation's first turn reads
 * `fresh` (one request) so it sees what earlier conversations taught; its later turns hit the cache (none).
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { applyFacts, mergeMemories } from '../core/memory/merge.js';
import type { IndividualMemoryStore } from '../core/memory/ports.js';
import { IndividualMemorySchema, type IndividualMemory, type MemoryWriteRequest } from '../core/memory/schema.js';
import type { Clock } from '../core/ports.js';
import { isConditionalCheckFailed, mapStoreError } from './dynamo-store.js';
import { DEFAULT_TENANT, SK, individualPk } from './keys.js';
import type { HttpMemoryService } from './memory-service.js';
import type { WarmCache } from './warm-cache.js';

/** Default days a memory is kept after its last write. */
export const DEFAULT_MEMORY_RETENTION_DAYS = 365;

/** The write kept conflicting (more concurrent writers than attempts); the async invoke is retried. */
export class MemoryWriteConflictError extends Error {
  override readonly name = 'MemoryWriteConflictError';
  constructor(readonly individualId: string, readonly attempts: number) {
    super(`memory of individual ${individualId} kept changing; gave up after ${attempts} attempts`);
  }
}

interface StoredItem {
  memory: IndividualMemory;
  version: number;
  pending: boolean;
}

export interface DynamoIndividualMemoryOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  tenant?: string;
  /** Warm cache (kind `context`); omit to always read the table. */
  cache?: WarmCache;
  retentionDays?: number;
  clock: Clock;
  /** External system of record (MEMORY_URL). */
  service?: HttpMemoryService;
  /** Attempts of one write under contention (default 10). */
  maxAttempts?: number;
  /** Service failures are reported here (error names only). */
  onServiceError?: (operation: 'read' | 'write' | 'erase', error: unknown) => void;
  /** Budget of a service read on the turn path, ms (default 2500); DynamoDB answers after it. */
  serviceReadBudgetMs?: number;
}

/** IndividualMemoryStore on DynamoDB (+ optional Memory Service). One instance per tenant. */
export class DynamoIndividualMemory implements IndividualMemoryStore {
  readonly tenant: string;
  private readonly retentionDays: number;
  private readonly maxAttempts: number;

  constructor(private readonly options: DynamoIndividualMemoryOptions) {
    this.tenant = options.tenant ?? DEFAULT_TENANT;
    this.retentionDays = options.retentionDays ?? DEFAULT_MEMORY_RETENTION_DAYS;
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  private key(individualId: string) {
    return { pk: individualPk(this.tenant, individualId), sk: SK.memory };
  }

  private cacheKey(individualId: string): string {
    return `memory#${this.tenant}#${individualId}`;
  }

  async read(individualId: string, options: { fresh?: boolean } = {}): Promise<IndividualMemory | null> {
    const cache = this.options.cache;
    if (!options.fresh && cache) {
      const hit = cache.get<{ memory: IndividualMemory | null }>('context', this.cacheKey(individualId));
      if (hit !== undefined) return hit.memory;
    }
    let memory: IndividualMemory | null | undefined;
    if (this.options.service) {
      try {
        const budgetMs = this.options.serviceReadBudgetMs ?? 2500;
        memory = (await this.options.service.get(this.tenant, individualId, { budgetMs }))?.memory ?? null;
      } catch (err) {
        this.report('read', err);
      }
    }
    if (memory === undefined) memory = (await this.getItem(individualId, options.fresh === true))?.memory ?? null;
    cache?.set('context', this.cacheKey(individualId), { memory });
    return memory;
  }

  async apply(request: MemoryWriteRequest): Promise<{ applied: boolean; memory: IndividualMemory | null }> {
    if (request.tenant !== this.tenant) throw new Error(`memory store of tenant ${this.tenant} got a request of tenant ${request.tenant}`);
    if (this.options.service) {
      try {
        return await this.applyToService(request);
      } catch (err) {
        if (err instanceof MemoryWriteConflictError) throw err;
        this.report('write', err);
      }
    }
    return this.applyToTable(request, this.options.service !== undefined);
  }

  async erase(individualId: string): Promise<void> {
    if (this.options.service) {
      try {
        await this.options.service.erase(this.tenant, individualId);
      } catch (err) {
        this.report('erase', err);
        throw err;
      }
    }
    try {
      await this.options.client.send(new DeleteCommand({ TableName: this.options.tableName, Key: this.key(individualId) }));
    } catch (err) {
      throw mapStoreError(err, 'DeleteItem');
    }
    this.options.cache?.delete('context', this.cacheKey(individualId));
  }

  /** DynamoDB as the system of record (no service) or the fallback (service down: `pending`). */
  private async applyToTable(request: MemoryWriteRequest, pending: boolean): Promise<{ applied: boolean; memory: IndividualMemory | null }> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const stored = await this.getItem(request.individual_id, true);
      const next = applyFacts(stored?.memory ?? null, request);
      if (next === null) return { applied: false, memory: stored?.memory ?? null };
      if (await this.putItem(request.individual_id, next, stored?.version ?? null, pending || (stored?.pending ?? false))) {
        return { applied: true, memory: next };
      }
    }
    throw new MemoryWriteConflictError(request.individual_id, this.maxAttempts);
  }

  /** The service as the system of record; the table's copy follows (and contributes what an outage left there). */
  private async applyToService(request: MemoryWriteRequest): Promise<{ applied: boolean; memory: IndividualMemory | null }> {
    const service = this.options.service!;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const [remote, local] = await Promise.all([service.get(this.tenant, request.individual_id), this.getItem(request.individual_id, true)]);
      let base = remote?.memory ?? null;
      if (local?.pending) base = base === null ? local.memory : mergeMemories(base, local.memory);
      const applied = applyFacts(base, request);
      const next = applied ?? base;
      if (next === null) return { applied: false, memory: null };
      if (applied === null && !local?.pending) return { applied: false, memory: next };
      const put = await service.put(this.tenant, request.individual_id, next, remote?.version ?? null);
      if (put === 'conflict') continue;
      await this.followCopy(request.individual_id, next, local);
      return { applied: applied !== null, memory: next };
    }
    throw new MemoryWriteConflictError(request.individual_id, this.maxAttempts);
  }

  /** Bring the table's copy up to the service's record (merging, so a concurrent writer's facts stay). */
  private async followCopy(individualId: string, memory: IndividualMemory, first: StoredItem | null): Promise<void> {
    let stored = first;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const next = stored === null ? memory : mergeMemories(memory, stored.memory);
      if (await this.putItem(individualId, next, stored?.version ?? null, false)) return;
      stored = await this.getItem(individualId, true);
    }
  }

  private async getItem(individualId: string, consistent: boolean): Promise<StoredItem | null> {
    let item: Record<string, unknown> | undefined;
    try {
      const out = await this.options.client.send(
        new GetCommand({ TableName: this.options.tableName, Key: this.key(individualId), ConsistentRead: consistent }),
      );
      item = out.Item;
    } catch (err) {
      throw mapStoreError(err, 'GetItem');
    }
    if (!item) return null;
    const parsed = IndividualMemorySchema.safeParse(item['memory']);
    // A record this code cannot read (a future schema) is treated as unknown rather than failing the turn.
    if (!parsed.success) return null;
    return { memory: parsed.data, version: Number(item['version'] ?? 0), pending: item['pending_sync'] === true };
  }

  /** Conditional put; false when the version moved (re-read and retry). */
  private async putItem(individualId: string, memory: IndividualMemory, expected: number | null, pending: boolean): Promise<boolean> {
    const now = this.options.clock.now();
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...this.key(individualId),
            memory,
            version: (expected ?? 0) + 1,
            updated_at: new Date(now).toISOString(),
            expires_at: Math.floor(now / 1000) + this.retentionDays * 86_400,
            ...(pending ? { pending_sync: true } : {}),
          },
          ConditionExpression: expected === null ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(expected === null ? {} : { ExpressionAttributeValues: { ':v': expected } }),
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw mapStoreError(err, 'PutItem');
    }
    this.options.cache?.set('context', this.cacheKey(individualId), { memory });
    return true;
  }

  private report(operation: 'read' | 'write' | 'erase', error: unknown): void {
    try {
      this.options.onServiceError?.(operation, error);
    } catch {
      // A broken logger must not fail the fallback.
    }
  }
}
