/**
 * Client of an external Memory Service (seed `MEMORY_URL`): the system of record for individual memory when
 * configured. The contract (documented with generated examples in docs/contracts.md §4):
 *
 *   GET    {MEMORY_URL}/tenants/{tenant}/individuals/{id}/memory   200 { version, memory } · 404 unknown
 *   PUT    {MEMORY_URL}/tenants/{tenant}/individuals/{id}/memory   body { expected_version, memory }
 *                                                                  200 { version } · 409 { version } (moved on)
 *   DELETE {MEMORY_URL}/tenants/{tenant}/individuals/{id}/memory   204 (erasure; 404 counts as done)
 *
 * Calls go through THE HTTP client of the project (http-agent-client.ts: pooled keep-alive, timeouts, the
 * seed's retry rules) and a circuit breaker (cockatiel: open after 5 consecutive failures, half-open after
 * 30 s, as the registry's default breaker policy). The breaker lives in the container: the memory read sits on a
 * conversation's first turn, and a shared breaker would cost a table read there. An open breaker fails at once,
 * and the caller falls back to DynamoDB.
 */
import { ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import type { RetryPolicy, TimeoutProfile } from '../core/agent-graph.js';
import { IndividualMemorySchema, type IndividualMemory } from '../core/memory/schema.js';
import { HttpAgentClient } from './http-agent-client.js';

/** The name the service's calls and errors carry (as an agent's would). */
export const MEMORY_SERVICE_NAME = 'memory_service';

/** The service answered with something outside the contract. */
export class MemoryServiceContractError extends Error {
  override readonly name = 'MemoryServiceContractError';
}

/** A stored record and its version, as the service keeps it. */
export interface VersionedMemory {
  memory: IndividualMemory;
  version: number;
}

export interface HttpMemoryServiceOptions {
  baseUrl: string;
  client?: HttpAgentClient;
  /** Timeouts of one attempt (seconds). Default: connect 1, read 2, write 2, pool 1 — it sits on a first turn. */
  timeouts?: TimeoutProfile;
  /** Seed retry rules; default 2 retries (0.5 s, 1 s). */
  retry?: RetryPolicy;
  /** Consecutive failures that open the breaker (default 5) and the cool-down before a trial (default 30 s). */
  breaker?: { failureThreshold: number; coolDownMs: number };
}

const DEFAULT_TIMEOUTS: TimeoutProfile = { connect: 1, read: 2, write: 2, pool: 1 };
const DEFAULT_RETRY: RetryPolicy = { max_retries: 2, base_delay_seconds: 0.5, backoff_rate: 2, connection_retries: 1 };

/** The Memory Service over HTTP. Create once per container. */
export class HttpMemoryService {
  private readonly client: HttpAgentClient;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly timeouts: TimeoutProfile;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: HttpMemoryServiceOptions) {
    this.client = options.client ?? new HttpAgentClient();
    this.timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: options.breaker?.coolDownMs ?? 30_000,
      breaker: new ConsecutiveBreaker(options.breaker?.failureThreshold ?? 5),
    });
  }

  /** Breaker state for health answers and tests ('closed' | 'open' | 'half_open' | 'isolated'). */
  get breakerState(): string {
    return ['closed', 'open', 'half_open', 'isolated'][this.breaker.state] ?? 'unknown';
  }

  private url(tenant: string, individualId: string): string {
    const base = this.options.baseUrl.replace(/\/+$/, '');
    return `${base}/tenants/${encodeURIComponent(tenant)}/individuals/${encodeURIComponent(individualId)}/memory`;
  }

  private send(method: 'GET' | 'PUT' | 'DELETE', tenant: string, individualId: string, payload: unknown, accept: number[], deadline?: number) {
    return this.breaker.execute(() =>
      this.client.call({
        agent: MEMORY_SERVICE_NAME,
        url: this.url(tenant, individualId),
        method,
        payload,
        timeouts: this.timeouts,
        retry: this.retry,
        acceptStatuses: accept,
        ...(deadline !== undefined ? { deadline } : {}),
      }),
    );
  }

  /** The stored record, or null when the service knows nothing of the individual. `budgetMs` bounds the whole call. */
  async get(tenant: string, individualId: string, options: { budgetMs?: number } = {}): Promise<VersionedMemory | null> {
    const deadline = options.budgetMs === undefined ? undefined : Date.now() + options.budgetMs;
    const res = await this.send('GET', tenant, individualId, undefined, [404], deadline);
    if (res.status === 404) return null;
    const body = res.body as { version?: unknown; memory?: unknown } | null;
    const memory = IndividualMemorySchema.safeParse(body?.memory);
    if (typeof body?.version !== 'number' || !memory.success) {
      throw new MemoryServiceContractError('memory service GET answered without a valid { version, memory }');
    }
    return { memory: memory.data, version: body.version };
  }

  /**
   * Store `memory` if the service still holds `expectedVersion` (null: nothing stored yet).
   * Returns the new version, or `conflict` when another writer got there first (re-read and re-apply).
   */
  async put(tenant: string, individualId: string, memory: IndividualMemory, expectedVersion: number | null): Promise<{ version: number } | 'conflict'> {
    const res = await this.send('PUT', tenant, individualId, { expected_version: expectedVersion, memory }, [409]);
    if (res.status === 409) return 'conflict';
    const version = (res.body as { version?: unknown } | null)?.version;
    if (typeof version !== 'number') throw new MemoryServiceContractError('memory service PUT answered without { version }');
    return { version };
  }

  /** Erase the individual's record (a 404 is fine: nothing to erase). */
  async erase(tenant: string, individualId: string): Promise<void> {
    await this.send('DELETE', tenant, individualId, undefined, [404]);
  }

  /** Close pooled sockets (tests). */
  destroy(): void {
    this.client.destroy();
  }
}
