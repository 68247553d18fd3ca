/**
 * Container-wide individual-memory store (issue #16), created on first use from env:
 * TABLE_NAME, MEMORY_RETENTION_DAYS (default 365), MEMORY_URL (optional external Memory Service; DynamoDB is
 * then the fallback and cache). One instance per tenant, sharing the document client and warm cache.
 */
import { getDocumentClient, StoreConfigError } from './conversation-store.js';
import { DEFAULT_MEMORY_RETENTION_DAYS, DynamoIndividualMemory } from './individual-memory.js';
import { DEFAULT_TENANT } from './keys.js';
import { HttpMemoryService } from './memory-service.js';
import { getWarmCache } from './warm-cache.js';

const stores = new Map<string, DynamoIndividualMemory>();
let service: HttpMemoryService | undefined;

function retentionDays(): number {
  const raw = process.env.MEMORY_RETENTION_DAYS;
  if (raw === undefined || raw === '') return DEFAULT_MEMORY_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1) throw new StoreConfigError('MEMORY_RETENTION_DAYS', `must be a positive integer, got "${raw}"`);
  return days;
}

/** The Memory Service client when MEMORY_URL is set (one per container). */
export function getMemoryService(): HttpMemoryService | undefined {
  const url = process.env.MEMORY_URL;
  if (!url) return undefined;
  service ??= new HttpMemoryService({ baseUrl: url });
  return service;
}

/** The container's memory store of `tenant`. */
export function getIndividualMemory(
  tenant = DEFAULT_TENANT,
  onServiceError?: (operation: string, error: unknown) => void,
): DynamoIndividualMemory {
  let store = stores.get(tenant);
  if (!store) {
    const tableName = process.env.TABLE_NAME;
    if (!tableName) throw new StoreConfigError('TABLE_NAME', 'is not set');
    const svc = getMemoryService();
    store = new DynamoIndividualMemory({
      client: getDocumentClient(),
      tableName,
      tenant,
      cache: getWarmCache(),
      retentionDays: retentionDays(),
      clock: { now: () => Date.now() },
      ...(svc ? { service: svc } : {}),
      ...(onServiceError ? { onServiceError } : {}),
    });
    stores.set(tenant, store);
  }
  return store;
}

/**
 * Erase everything remembered about an individual of `tenant` (issue #16 governance): the DynamoDB item under
 * `individualPk` and, when MEMORY_URL is set, the Memory Service's record — which a delete of the individual's
 * table keys alone would not reach. For the erasure route (DELETE /individuals/{id}).
 */
export async function eraseMemory(tenant: string, individualId: string): Promise<void> {
  await getIndividualMemory(tenant).erase(individualId);
}
