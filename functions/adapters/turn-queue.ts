/**
 * The turn queue of a conversation (double texting, issue #12): overlapping turns are applied one after
 * another in arrival order (`enqueue`) or refused (`reject`), across containers, with DynamoDB single-item
 * conditional writes only (no transactions: dynalite has none).
 *
 * One small item per conversation (keys.ts `conversationPk` + `SK.lease`):
 *   fence    number  fencing token of the latest claim (monotonic)
 *   holder   map     { rid, at, until }: the latest claimant and when its lease runs out (epoch ms)
 *   q        map     waiting turns, entry id → { at, rid, until }: `at` = API Gateway's request time, `until` =
 *                    when that turn gives up (its start-by time; a crashed waiter is ignored after it)
 *   qv       number  registrations so far (a claim from the queue is conditioned on it: nobody joined since)
 * and on the state item (commit-marks.ts) `q_served` = fence of the last committed turn, `q_fence`.
 *
 * The conversation is free when there is no holder, the holder's lease ran out, or the holder committed
 * (`q_served` on the state = `fence` here). A holder never writes this item again after a successful
 * commit: the commit itself is the release, so an uncontended turn costs ONE extra small request.
 *
 *   uncontended  UpdateItem: claim if free by what this container knows (`fence = :served`, the served mark
 *                of the state it holds) and nobody waits (`size(q) = 0`) → fence+1, holder = me.
 *   contended    reject: read this item and the state's mark; still busy → TurnConflictError (409), nothing
 *                written. enqueue: join `q` (UpdateItem), then poll; the first live entry in (at, rid) order
 *                claims once the conversation is free, on the condition that fence and qv are unchanged
 *                since it looked (so no earlier arrival joined meanwhile) and leaves `q` in the same write.
 *                A waiter that cannot start by its start-by time leaves `q` → TurnNotStartedError (503).
 *   takeover     a lease that ran out (holder crashed or timed out) is claimed like a free one; the new
 *                holder then raises the state's `q_fence` (DynamoConversationStore.fence) BEFORE reading it,
 *                and every commit is conditioned on `q_fence <= its fence`: the old holder can never commit.
 *   failure      a holder that fails before its commit releases (REMOVE holder, on its own fence).
 *
 * Order: turns that overlap in the queue start in (API Gateway request time, request id) order. A queued turn
 * claims no earlier than `settleMs` (default 150 ms) after its own arrival, so an earlier message that reached
 * another container a moment later (scheduling jitter) still joins before it; this costs nothing when the
 * holder takes longer than that anyway, and the uncontended path never waits. A request that reaches the
 * queue only after a later-arriving one already started (e.g. a cold start slower than the settle time) runs
 * next; it cannot be ordered before a turn that already committed.
 * The lease (default 30 s) outlasts the orchestrate function's 29 s timeout, so a live holder never loses it.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TurnConflictError, TurnNotStartedError } from '../core/errors.js';
import type { Clock, TurnLease, TurnQueue, TurnTicket } from '../core/ports.js';
import { MARK_ATTRIBUTES } from './commit-marks.js';
import { isConditionalCheckFailed, mapStoreError } from './dynamo-store.js';
import { DEFAULT_TENANT, SK, conversationPk } from './keys.js';

/** Default lease: longer than the orchestrate function's timeout (29 s). */
export const DEFAULT_LEASE_MS = 30_000;

export interface DynamoTurnQueueOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  tenant?: string;
  clock: Clock;
  /** How long a claim holds the conversation without committing. Default DEFAULT_LEASE_MS. */
  leaseMs?: number;
  /** First and largest pause between polls of a waiter (ms). Default 15 / 250. */
  pollMs?: { first: number; max: number };
  /** Days the lease item is kept after its last write (TTL). Default 30. */
  retentionDays?: number;
  /** A queued turn claims no earlier than this long after its arrival (see the header). Default 150 ms. */
  settleMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface Entry {
  at: number;
  rid: string;
  until: number;
}

interface LeaseView {
  fence: number;
  holder: Entry | null;
  q: Record<string, Entry>;
  qv: number;
}

/** Queue statistics of one container (benchmark and tests). */
export interface TurnQueueCounters {
  claims: number;
  directClaims: number;
  waits: number;
  takeovers: number;
  rejected: number;
  notStarted: number;
  polls: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Total order of the queue: request time, then request id. */
function before(a: Pick<Entry, 'at' | 'rid'>, b: Pick<Entry, 'at' | 'rid'>): boolean {
  return a.at < b.at || (a.at === b.at && a.rid < b.rid);
}

/** Map key of a waiting turn (any string works in ExpressionAttributeNames; bounded length). */
function entryId(ticket: TurnTicket): string {
  return `${ticket.arrivedAt}~${ticket.requestId}`.slice(0, 200);
}

/** DynamoDB implementation of the TurnQueue port (see the header). */
export class DynamoTurnQueue implements TurnQueue {
  readonly counters: TurnQueueCounters = { claims: 0, directClaims: 0, waits: 0, takeovers: 0, rejected: 0, notStarted: 0, polls: 0 };
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly tenant: string;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly poll: { first: number; max: number };
  private readonly retentionSeconds: number;
  private readonly settleMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: DynamoTurnQueueOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.tenant = options.tenant ?? DEFAULT_TENANT;
    this.clock = options.clock;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.poll = options.pollMs ?? { first: 15, max: 250 };
    this.retentionSeconds = Math.round((options.retentionDays ?? 30) * 86_400);
    this.settleMs = options.settleMs ?? 150;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async acquire(ticket: TurnTicket, knownServed: number | null, refresh?: () => Promise<number>): Promise<TurnLease> {
    const started = this.clock.now();
    let direct = await this.claimDirect(ticket, knownServed ?? -1);
    if (direct === null && refresh) {
      // Another container committed since this one's cache was filled: with the fresh mark, try once more
      // (the state must be re-read anyway, so this costs one claim, not a look at the queue).
      const served = await refresh();
      if (served !== knownServed) direct = await this.claimDirect(ticket, served);
    }
    if (direct !== null) {
      this.counters.directClaims++;
      return this.lease(ticket, direct, started, 0);
    }
    if (ticket.strategy === 'reject') return this.acquireOrReject(ticket, started);
    return this.acquireInQueue(ticket, started);
  }

  private key(conversationId: string): { pk: string; sk: string } {
    return { pk: conversationPk(this.tenant, conversationId), sk: SK.lease };
  }

  private holderOf(ticket: TurnTicket, now: number): Entry {
    return { at: ticket.arrivedAt, rid: ticket.requestId, until: now + this.leaseMs };
  }

  /** The uncontended path: one UpdateItem. Returns the new fence, or null when busy / not known free. */
  private async claimDirect(ticket: TurnTicket, served: number): Promise<number | null> {
    const now = this.clock.now();
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(ticket.conversationId),
          UpdateExpression:
            'SET #fence = if_not_exists(#fence, :zero) + :one, #holder = :holder, #q = if_not_exists(#q, :empty), #expires = :expires',
          ConditionExpression:
            '(attribute_not_exists(#holder) OR #holder.#until < :now OR #fence = :served) AND (attribute_not_exists(#q) OR size(#q) = :zero)',
          ExpressionAttributeNames: { '#fence': 'fence', '#holder': 'holder', '#until': 'until', '#q': 'q', '#expires': 'expires_at' },
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':empty': {},
            ':holder': this.holderOf(ticket, now),
            ':now': now,
            ':served': served,
            ':expires': this.expiresAt(now),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.['fence'] ?? 1);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return null;
      throw mapStoreError(error, 'UpdateItem');
    }
  }

  /** reject: a second, informed look (the container's served mark may have been stale); busy → 409. */
  private async acquireOrReject(ticket: TurnTicket, started: number): Promise<TurnLease> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const view = await this.readView(ticket.conversationId);
      const now = this.clock.now();
      const live = Object.values(view.q).filter((e) => e.until >= now);
      if (live.length > 0 || !(await this.isFree(ticket.conversationId, view, now))) break;
      const fence = await this.claimFromView(ticket, view, null);
      if (fence !== null) return this.lease(ticket, fence, started, 0);
    }
    this.counters.rejected++;
    throw new TurnConflictError(ticket.conversationId);
  }

  /** enqueue: join the queue, wait for this turn's place, claim. */
  private async acquireInQueue(ticket: TurnTicket, started: number): Promise<TurnLease> {
    const me = entryId(ticket);
    const mine: Entry = { at: ticket.arrivedAt, rid: ticket.requestId, until: ticket.startBy };
    let view = await this.join(ticket, me, mine);
    const now0 = this.clock.now();
    const ahead =
      Object.entries(view.q).filter(([id, e]) => id !== me && e.until >= now0 && before(e, mine)).length +
      (view.holder && view.holder.until >= now0 ? 1 : 0);
    this.counters.waits++;
    let pause = this.poll.first;
    let lastPosition = -1;
    for (;;) {
      const now = this.clock.now();
      if (!(me in view.q)) {
        // Our entry vanished (swept by a claimant after our start-by time, or never written): join again.
        if (now >= ticket.startBy) break;
        view = await this.join(ticket, me, mine);
        continue;
      }
      const waiting = Object.entries(view.q).filter(([id, e]) => id === me || e.until >= now);
      const position = waiting.filter(([id, e]) => id !== me && before(e, mine)).length;
      const settled = ticket.arrivedAt + this.settleMs;
      if (position === 0 && now < settled && now < ticket.startBy) {
        // Next in line, but messages that arrived just before this one may still be on their way in.
        await this.sleep(Math.min(settled, ticket.startBy) - now);
        view = await this.readView(ticket.conversationId);
        continue;
      }
      if (position === 0 && (await this.isFree(ticket.conversationId, view, now))) {
        const fence = await this.claimFromView(ticket, view, me);
        if (fence !== null) return this.lease(ticket, fence, started, ahead);
        view = await this.readView(ticket.conversationId); // someone joined or claimed meanwhile: look again
        continue;
      }
      if (now >= ticket.startBy) break;
      // The next two in line poll often (the first starts as soon as the holder commits); the others less,
      // the further back the less (each turn ahead takes a while).
      if (position !== lastPosition) pause = this.poll.first;
      lastPosition = position;
      const wait = position <= 1 ? pause : Math.min(4 * this.poll.max, this.poll.max * (position - 1));
      pause = Math.min(Math.ceil(this.poll.max / 3), Math.ceil(pause * 1.5));
      await this.sleep(Math.max(1, Math.min(wait, ticket.startBy - now)) * (0.75 + Math.random() * 0.5));
      this.counters.polls++;
      if (position === 0 && view.holder !== null && view.holder.until >= this.clock.now()) {
        // First in line behind a live holder: claim as soon as the state's served mark shows it committed (the
        // claim's condition catches anything else that changed on the lease item meanwhile).
        if ((await this.readServed(ticket.conversationId)) >= view.fence) {
          const fence = await this.claimFromView(ticket, view, me);
          if (fence !== null) return this.lease(ticket, fence, started, ahead);
        }
      }
      // Otherwise look at the lease item again (a holder that failed releases it there).
      view = await this.readView(ticket.conversationId);
    }
    await this.leave(ticket.conversationId, me);
    this.counters.notStarted++;
    throw new TurnNotStartedError(ticket.conversationId);
  }

  /** Join the queue (one UpdateItem; the map is created by the first claim, or here on a first wait). */
  private async join(ticket: TurnTicket, me: string, mine: Entry): Promise<LeaseView> {
    const send = () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(ticket.conversationId),
          UpdateExpression: 'SET #q.#me = :entry, #expires = :expires ADD #qv :one',
          ExpressionAttributeNames: { '#q': 'q', '#me': me, '#qv': 'qv', '#expires': 'expires_at' },
          ExpressionAttributeValues: { ':entry': mine, ':one': 1, ':expires': this.expiresAt(this.clock.now()) },
          ReturnValues: 'ALL_NEW',
        }),
      );
    try {
      return toView((await send()).Attributes);
    } catch (error) {
      if ((error as { name?: string }).name !== 'ValidationException') throw mapStoreError(error, 'UpdateItem');
    }
    // No `q` map yet (an item written before the queue existed): create it, then join.
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(ticket.conversationId),
          UpdateExpression: 'SET #q = if_not_exists(#q, :empty)',
          ExpressionAttributeNames: { '#q': 'q' },
          ExpressionAttributeValues: { ':empty': {} },
        }),
      );
      return toView((await send()).Attributes);
    } catch (error) {
      throw mapStoreError(error, 'UpdateItem');
    }
  }

  private async leave(conversationId: string, me: string): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(conversationId),
          UpdateExpression: 'REMOVE #q.#me',
          ExpressionAttributeNames: { '#q': 'q', '#me': me },
        }),
      )
      .catch(() => undefined); // Not removed: others skip the entry once its start-by time passed.
  }

  /**
   * Claim on what `view` showed: nothing claimed (fence) and nobody joined (qv) since. Leaves the queue in
   * the same write, and sweeps entries whose start-by time passed. Null when the view is out of date.
   */
  private async claimFromView(ticket: TurnTicket, view: LeaseView, me: string | null): Promise<number | null> {
    const now = this.clock.now();
    const names: Record<string, string> = { '#fence': 'fence', '#holder': 'holder', '#qv': 'qv', '#expires': 'expires_at' };
    const values: Record<string, unknown> = { ':one': 1, ':holder': this.holderOf(ticket, now), ':expires': this.expiresAt(now) };
    const removes: string[] = [];
    const gone = Object.entries(view.q).filter(([id, e]) => e.until < now && id !== me).map(([id]) => id);
    for (const [i, id] of [...(me ? [me] : []), ...gone.slice(0, 50)].entries()) {
      names[`#r${i}`] = id;
      removes.push(`#q.#r${i}`);
    }
    if (removes.length > 0 || me) names['#q'] = 'q';
    const conditions: string[] = [];
    if (view.fence === 0) conditions.push('attribute_not_exists(#fence)');
    else {
      conditions.push('#fence = :fence');
      values[':fence'] = view.fence;
    }
    if (view.qv === 0) conditions.push('attribute_not_exists(#qv)');
    else {
      conditions.push('#qv = :qv');
      values[':qv'] = view.qv;
    }
    if (me) conditions.push('attribute_exists(#q.#r0)');
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(ticket.conversationId),
          UpdateExpression: `SET #fence = ${view.fence === 0 ? ':one' : '#fence + :one'}, #holder = :holder, #expires = :expires${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      if (view.holder && view.holder.until < now && view.fence > 0) this.counters.takeovers++;
      return Number(out.Attributes?.['fence'] ?? view.fence + 1);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return null;
      throw mapStoreError(error, 'UpdateItem');
    }
  }

  /** Free: no holder, its lease ran out, or it committed (the state's served mark reached its fence). */
  private async isFree(conversationId: string, view: LeaseView, now: number): Promise<boolean> {
    if (view.holder === null || view.holder.until < now || view.fence === 0) return true;
    return (await this.readServed(conversationId)) >= view.fence;
  }

  private async readView(conversationId: string): Promise<LeaseView> {
    try {
      const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: this.key(conversationId), ConsistentRead: true }));
      return toView(out.Item);
    } catch (error) {
      throw mapStoreError(error, 'GetItem');
    }
  }

  private async readServed(conversationId: string): Promise<number> {
    try {
      const out = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: conversationPk(this.tenant, conversationId), sk: SK.state },
          ConsistentRead: true,
          ProjectionExpression: '#served',
          ExpressionAttributeNames: { '#served': MARK_ATTRIBUTES.served },
        }),
      );
      const served = out.Item?.[MARK_ATTRIBUTES.served];
      return typeof served === 'number' ? served : 0;
    } catch (error) {
      throw mapStoreError(error, 'GetItem');
    }
  }

  private lease(ticket: TurnTicket, fence: number, started: number, ahead: number): TurnLease {
    this.counters.claims++;
    let released = false;
    return {
      fence,
      previousFence: fence - 1,
      waitedMs: Math.max(0, this.clock.now() - started),
      ahead,
      release: async () => {
        if (released) return;
        released = true;
        await this.client
          .send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: this.key(ticket.conversationId),
              UpdateExpression: 'REMOVE #holder',
              ConditionExpression: '#fence = :fence',
              ExpressionAttributeNames: { '#holder': 'holder', '#fence': 'fence' },
              ExpressionAttributeValues: { ':fence': fence },
            }),
          )
          .catch(() => undefined); // Superseded or unreachable: the lease runs out by itself.
      },
    };
  }

  private expiresAt(now: number): number {
    return Math.floor(now / 1000) + this.retentionSeconds;
  }
}

function toView(item: Record<string, unknown> | undefined): LeaseView {
  const holder = item?.['holder'] as Entry | undefined;
  return {
    fence: typeof item?.['fence'] === 'number' ? item['fence'] : 0,
    holder: holder && typeof holder.until === 'number' ? holder : null,
    q: (item?.['q'] as Record<string, Entry> | undefined) ?? {},
    qv: typeof item?.['qv'] === 'number' ? item['qv'] : 0,
  };
}
