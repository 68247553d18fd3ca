/**
 * Turn-queue benchmark (issue #12), through the orchestrate handler on an in-process dynalite with the
 * engine's fake fan-out (fixed agent latency), so only the state layer's traffic is measured.
 *
 *   uncontended  50 sequential turns of one conversation, per scenario, with the queue (lease + fencing) and
 *                without it (the previous protocol: version condition only) — the baseline, same run:
 *                  warm   one container serves every turn (its warm cache is current)
 *                  cold   a new container per turn (empty cache: reads the table)
 *                  cross  two containers take turns (each one's cache is one turn stale)
 *                  keyed  warm, every request with an Idempotency-Key (old: begin/complete; new: + prepare)
 *                DynamoDB requests and write/read capacity units per turn (ReturnConsumedCapacity on every
 *                request; dynalite's figures), and the ratios queue/baseline.
 *   burst        10 messages sent at once to one conversation over 3 containers (enqueue): each message's
 *                wait in the queue and latency, p50/p99; vs the same 10 turns sent one after another.
 * Latencies are for orientation only (dynalite on a shared machine is not DynamoDB).
 */
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newDocumentClient, startDynalite, type DynaliteHandle } from '../test/support/dynalite.js';
import { FakeFanout, RecordingDispatcher } from '../test/support/fakes.js';
import { DynamoConversationStore } from '../functions/adapters/dynamo-store.js';
import { DynamoIdempotencyStore, type IdempotencyStore } from '../functions/adapters/idempotency.js';
import { DynamoTurnQueue } from '../functions/adapters/turn-queue.js';
import { WarmCache } from '../functions/adapters/warm-cache.js';
import { ACCEPTED_DETECTED_AGENTS } from '../functions/core/routing.js';
import { listPlanIds, PlanCatalogCheckpointSource } from '../functions/core/plans.js';
import { createOrchestrateHandler } from '../functions/orchestrate/app.js';
import type { Clock } from '../functions/core/ports.js';

const clock: Clock = { now: () => Date.now() };
const context = { awsRequestId: 'bench', functionName: 'orchestrate', getRemainingTimeInMillis: () => 25_000 } as Context;
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** Requests and capacity units of everything a set of clients sends. */
interface Meter {
  requests: Record<string, number>;
  wcu: number;
  rcu: number;
}

function meter(client: DynamoDBDocumentClient, m: Meter): void {
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      const op = String(ctx.commandName).replace(/Command$/, '');
      m.requests[op] = (m.requests[op] ?? 0) + 1;
      (args.input as Record<string, unknown>)['ReturnConsumedCapacity'] = 'TOTAL';
      try {
        const out = await next(args);
        const cc = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> }).ConsumedCapacity;
        const units = Array.isArray(cc) ? cc.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0) : (cc?.CapacityUnits ?? 0);
        if (/^(Get|Query|BatchGet|Scan)/.test(op)) m.rcu += units;
        else m.wcu += units;
        return out;
      } catch (error) {
        // A failed conditional write is billed like a write: count one unit (dynalite does not report it).
        if (!/^(Get|Query|BatchGet|Scan)/.test(op)) m.wcu += 1;
        throw error;
      }
    },
    { step: 'initialize', name: `benchMeter${Math.random()}`, priority: 'high' },
  );
}

function container(db: DynaliteHandle, m: Meter, options: { queue: boolean; agentMs: number; keyedProtocol?: 'old' | 'new' }) {
  const client = newDocumentClient(db.endpoint);
  meter(client, m);
  // The baseline is the previous protocol: no queue, no turn-log check, no prepared answer.
  const store = new DynamoConversationStore({ client, tableName: db.tableName, cache: new WarmCache(), retentionDays: 30, clock, checkTurnLog: options.queue });
  const fanout = new FakeFanout();
  const run = fanout.run.bind(fanout);
  fanout.run = async (args) => {
    if (options.agentMs > 0) await new Promise((r) => setTimeout(r, options.agentMs));
    return run(args);
  };
  const full = new DynamoIdempotencyStore({ client, tableName: db.tableName, clock });
  // The previous protocol: begin and complete only (no prepare before the commit).
  const idempotency: IdempotencyStore =
    options.keyedProtocol === 'old'
      ? { begin: (k, h) => full.begin(k, h), complete: (k, r) => full.complete(k, r), abandon: (k) => full.abandon(k) }
      : full;
  const handler = createOrchestrateHandler({
    store,
    fanout,
    dispatcher: new RecordingDispatcher(),
    checkpoints: new PlanCatalogCheckpointSource(),
    clock,
    config: { storeTurnText: false, turnBudgetMs: 25_000 },
    idempotency,
    ...(options.queue ? { queue: new DynamoTurnQueue({ client, tableName: db.tableName, clock }) } : {}),
    accepted: { plans: listPlanIds(), services: ['privacy', 'nutrition', 'followup', 'medication'], detectedAgents: ACCEPTED_DETECTED_AGENTS },
    maxBodyBytes: 64 * 1024,
  });
  return { handler, client };
}

let seq = 0;
function event(conversationId: string, callLogId: string, headers: Record<string, string> = {}): APIGatewayProxyEvent {
  const at = Date.now();
  return {
    httpMethod: 'POST',
    path: '/orchestrate',
    resource: '/orchestrate',
    body: JSON.stringify({
      text: 'I had oatmeal and took my pills',
      conversation_id: conversationId,
      plan: listPlanIds()[0]!,
      services: ['followup'],
      individual_id: 'ind-1',
      user_profile_id: 'prof-1',
      detected_agent: 'general',
      agent_instance_id: 'inst-1',
      call_log_id: callLogId,
    }),
    headers: { 'content-type': 'application/json', ...headers },
    multiValueHeaders: {},
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId: `bench-${++seq}`, requestTimeEpoch: at } as APIGatewayProxyEvent['requestContext'],
  };
}

interface PerTurn {
  turns: number;
  requests_per_turn: number;
  requests_by_operation: Record<string, number>;
  write_units_per_turn: number;
  read_units_per_turn: number;
}

type Scenario = 'warm' | 'cold' | 'cross' | 'keyed';

async function uncontended(db: DynaliteHandle, scenario: Scenario, queue: boolean, turns: number): Promise<PerTurn> {
  const m: Meter = { requests: {}, wcu: 0, rcu: 0 };
  const id = `bench-${scenario}-${queue ? 'queue' : 'base'}`;
  const opts = { queue, agentMs: 0, ...(scenario === 'keyed' ? { keyedProtocol: queue ? ('new' as const) : ('old' as const) } : {}) };
  const a = container(db, m, opts);
  const b = container(db, m, opts);
  // The conversation's first turn (creation) is not counted: every measured turn updates an existing one.
  const first = await a.handler(event(id, 'create'), context);
  if (first.statusCode !== 200) throw new Error(`bench setup failed: ${first.statusCode} ${first.body}`);
  m.requests = {};
  m.wcu = 0;
  m.rcu = 0;
  for (let t = 0; t < turns; t++) {
    const c = scenario === 'cold' ? container(db, m, opts) : scenario === 'cross' ? (t % 2 === 0 ? b : a) : a;
    const headers: Record<string, string> = scenario === 'keyed' ? { 'Idempotency-Key': `${id}-${t}` } : {};
    const res = await c.handler(event(id, `t-${t}`, headers), context);
    if (res.statusCode !== 200) throw new Error(`bench turn failed: ${res.statusCode} ${res.body}`);
  }
  const requests = Object.values(m.requests).reduce((n, x) => n + x, 0);
  return {
    turns,
    requests_per_turn: round(requests / turns),
    requests_by_operation: Object.fromEntries(Object.entries(m.requests).map(([k, v]) => [k, round(v / turns)])),
    write_units_per_turn: round(m.wcu / turns),
    read_units_per_turn: round(m.rcu / turns),
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function burst(db: DynaliteHandle, agentMs: number) {
  const m: Meter = { requests: {}, wcu: 0, rcu: 0 };
  const cs = Array.from({ length: 3 }, () => container(db, m, { queue: true, agentMs }));
  await cs[0]!.handler(event('bench-burst', 'create'), context);
  const started = Date.now();
  const answers: Array<Promise<{ res: APIGatewayProxyResult; ms: number }>> = [];
  for (let i = 0; i < 10; i++) {
    const sent = Date.now();
    answers.push(cs[i % 3]!.handler(event('bench-burst', `b-${i}`), context).then((res) => ({ res, ms: Date.now() - sent })));
    await new Promise((r) => setTimeout(r, 1));
  }
  const done = await Promise.all(answers);
  const burstMs = Date.now() - started;
  if (done.some((d) => d.res.statusCode !== 200)) throw new Error(`burst: ${done.map((d) => d.res.statusCode).join(',')}`);
  const waits = done.map((d) => (JSON.parse(d.res.body) as { timing_metrics: Record<string, number> }).timing_metrics['queue'] ?? 0);
  const latencies = done.map((d) => d.ms);
  // The same 10 turns, one after another from one client (no overlap): the serial floor.
  const serialStart = Date.now();
  for (let i = 0; i < 10; i++) await cs[i % 3]!.handler(event('bench-serial', `s-${i}`), context);
  const serialMs = Date.now() - serialStart;
  return {
    messages: 10,
    containers: 3,
    agent_ms: agentMs,
    statuses: done.map((d) => d.res.statusCode),
    wait_ms_per_message: waits.map((w) => round(w, 0)),
    latency_ms_per_message: latencies,
    latency_p50_ms: pct(latencies, 50),
    latency_p99_ms: pct(latencies, 99),
    wait_p50_ms: round(pct(waits, 50), 0),
    wait_p99_ms: round(pct(waits, 99), 0),
    burst_ms: burstMs,
    serial_ms: serialMs,
    /** Time to answer the whole burst / the same turns sent one by one (≈ 1: queueing adds little). */
    burst_vs_serial: round(burstMs / serialMs, 3),
  };
}

export async function run(options: { turns?: number } = {}) {
  const turns = options.turns ?? 50;
  const db = await startDynalite({ tableName: 'polaris-bench-queue' });
  try {
    const uncontendedResults: Record<string, { baseline: PerTurn; queue: PerTurn; extra_requests_per_turn: number; write_units_ratio: number }> = {};
    for (const scenario of ['warm', 'cold', 'cross', 'keyed'] as const) {
      const baseline = await uncontended(db, scenario, false, turns);
      const queue = await uncontended(db, scenario, true, turns);
      uncontendedResults[scenario] = {
        baseline,
        queue,
        extra_requests_per_turn: round(queue.requests_per_turn - baseline.requests_per_turn),
        write_units_ratio: round(queue.write_units_per_turn / baseline.write_units_per_turn, 3),
      };
    }
    return { name: 'queue', uncontended: uncontendedResults, burst: await burst(db, 50) };
  } finally {
    await db.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
}
