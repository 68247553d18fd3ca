/**
 * Per-agent circuit breakers whose state is shared by every orchestrate container through DynamoDB
 * (item pk=`BREAKER#<agent>`, sk=`STATE`, written with a version condition), read through a short-TTL
 * in-container cache so a turn normally pays no read at all.
 *
 * Semantics are cockatiel's CircuitBreakerPolicy (closed → open when the breaker policy says so → half-open
 * after `halfOpenAfter` → closed on the trial's success, open again on its failure; one trial call), and the
 * failure counting IS cockatiel's: a ConsecutiveBreaker whose serializable `state` is stored in the item.
 * The policy object itself is not used because it reads `Date.now()` directly and keeps the half-open trial
 * as an in-memory promise, which cannot be shared between Lambda containers; here the trial is claimed with
 * a conditional write, so exactly one container runs it, and the clock is injected.
 *
 * An open breaker costs no wait: the agent is reported `circuit_open` and the workflow skips it.
 */
import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CircuitState, ConsecutiveBreaker } from 'cockatiel';
import type { BreakerPolicy } from '../core/agent-graph.js';
import type { Clock } from '../core/ports.js';
import { breakerKey } from './keys.js';

/** Breaker admission and feedback, as the fan-out uses it. */
export interface AgentBreakers {
  /** Split agents into those allowed to run now and those whose breaker is open (or has a trial in flight). */
  admit(agents: readonly string[]): Promise<{ allowed: string[]; open: string[] }>;
  /** Record turn outcomes: success closes/resets, failure counts toward opening (or re-opens a trial). */
  record(outcomes: Record<string, 'success' | 'failure'>): Promise<void>;
}

/** Stored breaker state of one agent. */
export interface BreakerSnapshot {
  agent: string;
  state: 'closed' | 'open' | 'half_open';
  /** cockatiel breaker state (ConsecutiveBreaker: consecutive failures so far). */
  failures: number;
  /** When it opened (epoch ms). */
  opened_at?: number;
  /** When the half-open trial was claimed (epoch ms). */
  trial_at?: number;
  /** Times it has opened (cockatiel's attemptNo). */
  open_count: number;
  /** Item version for the conditional write (0 = no item yet). */
  version: number;
}

/** cockatiel's state enum ↔ the stored names. */
export const STORED_STATE: Record<CircuitState, BreakerSnapshot['state'] | undefined> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: undefined,
};

/** Options of {@link DynamoCircuitBreakers}. */
export interface DynamoCircuitBreakersOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Threshold and cool-down for an agent (from the registry: global `breaker` + the agent's override). */
  policyFor: (agent: string) => BreakerPolicy;
  clock?: Clock;
  /** How long a read is trusted in this container (default 2 s): other containers' changes show up within it. */
  cacheTtlMs?: number;
  /** Items expire (TTL `expires_at`) this long after their last write (default 7 days). */
  itemTtlDays?: number;
}

const key = breakerKey;

function closed(agent: string): BreakerSnapshot {
  return { agent, state: 'closed', failures: 0, open_count: 0, version: 0 };
}

/** Circuit breakers shared across containers through DynamoDB. */
export class DynamoCircuitBreakers implements AgentBreakers {
  private readonly cache = new Map<string, { snap: BreakerSnapshot; at: number }>();
  private readonly clock: Clock;
  private readonly cacheTtlMs: number;

  constructor(private readonly options: DynamoCircuitBreakersOptions) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.cacheTtlMs = options.cacheTtlMs ?? 2000;
  }

  /** Current snapshots (cache first, then one BatchGet for the rest). */
  async read(agents: readonly string[], options: { bypassCache?: boolean } = {}): Promise<Map<string, BreakerSnapshot>> {
    const now = this.clock.now();
    const out = new Map<string, BreakerSnapshot>();
    const missing: string[] = [];
    for (const a of new Set(agents)) {
      const c = this.cache.get(a);
      if (!options.bypassCache && c && now - c.at < this.cacheTtlMs) out.set(a, c.snap);
      else missing.push(a);
    }
    for (let i = 0; i < missing.length; i += 100) {
      const chunk = missing.slice(i, i + 100);
      let keys: Array<Record<string, unknown>> = chunk.map(key);
      const found = new Map<string, BreakerSnapshot>();
      for (let round = 0; keys.length > 0 && round < 5; round++) {
        const res = await this.options.client.send(
          new BatchGetCommand({ RequestItems: { [this.options.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of res.Responses?.[this.options.tableName] ?? []) {
          const snap = this.fromItem(item);
          found.set(snap.agent, snap);
        }
        keys = (res.UnprocessedKeys?.[this.options.tableName]?.Keys as Array<Record<string, unknown>> | undefined) ?? [];
      }
      for (const a of chunk) {
        const snap = found.get(a) ?? closed(a);
        this.cache.set(a, { snap, at: now });
        out.set(a, snap);
      }
    }
    return out;
  }

  async admit(agents: readonly string[]): Promise<{ allowed: string[]; open: string[] }> {
    let snaps: Map<string, BreakerSnapshot>;
    try {
      snaps = await this.read(agents);
    } catch {
      // Breaker state unreadable: fail open (run the agents) rather than fail or slow the turn.
      return { allowed: [...agents], open: [] };
    }
    const allowed: string[] = [];
    const open: string[] = [];
    const now = this.clock.now();
    await Promise.all(
      agents.map(async (agent) => {
        const snap = snaps.get(agent)!;
        const coolDownMs = this.options.policyFor(agent).cool_down_seconds * 1000;
        if (snap.state === 'closed') return void allowed.push(agent);
        const since = snap.state === 'open' ? snap.opened_at ?? 0 : snap.trial_at ?? 0;
        // Open and cooling down, or a trial in flight elsewhere (a stale trial is claimable again).
        if (now - since < coolDownMs) return void open.push(agent);
        const claimed = await this.write({ ...snap, state: 'half_open', trial_at: now }, snap.version);
        (claimed ? allowed : open).push(agent);
      }),
    );
    return { allowed: agents.filter((a) => allowed.includes(a)), open: agents.filter((a) => open.includes(a)) };
  }

  async record(outcomes: Record<string, 'success' | 'failure'>): Promise<void> {
    const agents = Object.keys(outcomes);
    if (agents.length === 0) return;
    const snaps = await this.read(agents);
    await Promise.all(
      agents.map(async (agent) => {
        let snap = snaps.get(agent)!;
        for (let attempt = 0; attempt < 2; attempt++) {
          const next = this.transition(snap, outcomes[agent]!);
          if (!next) return;
          if (await this.write(next, snap.version)) return;
          snap = (await this.read([agent], { bypassCache: true })).get(agent)!;
        }
      }),
    );
  }

  /** cockatiel semantics for one outcome; undefined when nothing changes (no write). */
  transition(snap: BreakerSnapshot, outcome: 'success' | 'failure'): BreakerSnapshot | undefined {
    const now = this.clock.now();
    const breaker = new ConsecutiveBreaker(this.options.policyFor(snap.agent).failure_threshold);
    breaker.state = snap.failures;
    if (outcome === 'success') {
      if (snap.state === 'half_open') {
        breaker.success();
        return { agent: snap.agent, state: 'closed', failures: breaker.state, open_count: snap.open_count, version: snap.version };
      }
      if (snap.state === 'closed' && snap.failures > 0) {
        breaker.success();
        return { ...snap, failures: breaker.state };
      }
      return undefined; // closed and clean, or open (a late result from before it opened)
    }
    if (snap.state === 'half_open') {
      return { agent: snap.agent, state: 'open', failures: snap.failures, opened_at: now, open_count: snap.open_count + 1, version: snap.version };
    }
    if (snap.state === 'open') return undefined;
    const shouldOpen = breaker.failure();
    if (shouldOpen) {
      return { agent: snap.agent, state: 'open', failures: breaker.state, opened_at: now, open_count: snap.open_count + 1, version: snap.version };
    }
    return { ...snap, failures: breaker.state };
  }

  /** Conditional write on the version read. False when another container wrote first. */
  private async write(next: BreakerSnapshot, expectedVersion: number): Promise<boolean> {
    const now = this.clock.now();
    const stored: BreakerSnapshot = { ...next, version: expectedVersion + 1 };
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...key(next.agent),
            ...stored,
            updated_at: new Date(now).toISOString(),
            expires_at: Math.floor(now / 1000) + (this.options.itemTtlDays ?? 7) * 86_400,
          },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#v = :v',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
      this.cache.set(next.agent, { snap: stored, at: now });
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') {
        this.cache.delete(next.agent);
        return false;
      }
      throw err;
    }
  }

  private fromItem(item: Record<string, unknown>): BreakerSnapshot {
    const snap: BreakerSnapshot = {
      agent: String(item.agent),
      state: item.state === 'open' || item.state === 'half_open' ? item.state : 'closed',
      failures: Number(item.failures ?? 0),
      open_count: Number(item.open_count ?? 0),
      version: Number(item.version ?? 0),
    };
    if (typeof item.opened_at === 'number') snap.opened_at = item.opened_at;
    if (typeof item.trial_at === 'number') snap.trial_at = item.trial_at;
    return snap;
  }
}
