/**
 * Application-path benchmark: turns of one conversation through the HTTP application
 * (createOrchestrateHandler with API Gateway proxy events) with in-memory ports — the DynamoDB store with its
 * warm cache over an in-memory document client (every read after the first is a warm-cache hit, as in a warm
 * container), zero-latency agents, a no-op dispatcher. Per-turn medians of:
 *  - the HTTP application path as it is now;
 *  - the same path built from the code before the perf work (BASELINE_COMMIT, bench/.baseline), same run;
 *  - the engine alone: orchestrateTurn over a plain Map store (no HTTP, no store adapter, no cache).
 * Logs and metrics are silenced for all three (their I/O is not the application's work).
 * Run: `npx tsx bench/app.bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineCheckout, BASELINE_COMMIT } from './baseline/checkout.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What `run()` returns. */
export interface AppBenchSummary {
  turns_per_sample: number;
  samples: number;
  http_path_ms_per_turn_median: number;
  baseline_http_path_ms_per_turn_median: number;
  engine_ms_per_turn_median: number;
  /** now / before (goal: now ≤ 0.15 ms). */
  ratio_http_path_to_baseline: number;
  /** now / the engine alone. */
  ratio_http_path_to_engine: number;
  ratio_baseline_to_engine: number;
}

type Json = Record<string, unknown>;
type Mod = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** An in-memory stand-in for the DynamoDB document client: reads find nothing, writes succeed. */
function memoryClient() {
  return {
    middlewareStack: { add: () => undefined },
    async send(command: { constructor: { name: string } }): Promise<Json> {
      const op = command.constructor.name;
      if (op === 'GetCommand') return {};
      if (op === 'QueryCommand') return { Items: [] };
      return { ConsumedCapacity: { CapacityUnits: 1 } };
    },
  };
}

/** Zero-latency agents: checklist completes the current checkpoint every other turn, the rest report ok. */
function fanout() {
  let n = 0;
  return {
    async select(services: string[]) {
      return { run: ['privacy', 'human_intervention', 'checklist', ...services], circuit_open: [], async: ['history'] };
    },
    async run(args: { input: { checkpoint?: { checkpoint_id: string } | null }; selection: { run: string[] }; responder: string }) {
      n++;
      const agents: Record<string, Json> = {};
      for (const name of args.selection.run) {
        const flags =
          name === 'checklist' && args.input.checkpoint
            ? { checkpoint_id: args.input.checkpoint.checkpoint_id, checkpoint_complete: n % 2 === 0 }
            : name === 'human_intervention'
              ? { requires_human: false }
              : {};
        agents[name] = { agent: name, status: 'ok', latency_ms: 1, output: { agent: name, status: 'ok', findings: {}, flags } };
      }
      return {
        agents,
        responder: { name: args.responder, status: 'ok', latency_ms: 1, output: { responder: args.responder, response: `reply ${n}`, is_enriched: true, asks_checkpoint_id: null } },
        duration_ms: 2,
      };
    },
    async record() {},
  };
}

const dispatcher = { async generateCheckpoints() {}, async runAsyncAgent() {} };

const context = {
  functionName: 'orchestrate',
  awsRequestId: 'bench',
  getRemainingTimeInMillis: () => 25_000,
} as unknown;

function event(body: Json): Json {
  return {
    httpMethod: 'POST',
    path: '/orchestrate',
    resource: '/orchestrate',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: {},
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId: 'bench', identity: { caller: 'bench' } },
  };
}

const query = (conversation: string, turn: number) => ({
  text: turn % 3 === 0 ? 'I slept well and had oatmeal for breakfast.' : 'Good morning, I feel good today.',
  conversation_id: conversation,
  plan: 'daily_checkin',
  services: ['nutrition'],
  individual_id: 'ind-bench',
  user_profile_id: 'prof-bench',
  detected_agent: 'general',
  agent_instance_id: 'inst-bench',
  call_log_id: `call-${turn}`,
});

/** The HTTP application path built from the functions/ folder under `base`. */
async function httpPath(base: string): Promise<(conversation: string, turn: number) => Promise<void>> {
  const load = (p: string): Promise<Mod> => import(pathToFileURL(path.join(base, 'functions', p)).href);
  const [app, store, cache, plans, routing, logger, metrics] = await Promise.all([
    load('orchestrate/app.ts'),
    load('adapters/dynamo-store.ts'),
    load('adapters/warm-cache.ts'),
    load('core/plans.ts'),
    load('core/routing.ts'),
    import('@aws-lambda-powertools/logger'),
    import('@aws-lambda-powertools/metrics'),
  ]);
  let now = Date.parse('2026-11-24T09:00:00.000Z');
  const clock = { now: () => now };
  const services = ['followup', 'history', 'human_intervention', 'medication', 'nutrition', 'privacy', 'checklist'];
  const handler = app.createOrchestrateHandler({
    store: new store.DynamoConversationStore({ client: memoryClient(), tableName: 'bench', cache: new cache.WarmCache(), retentionDays: 30, clock }),
    fanout: fanout(),
    dispatcher,
    checkpoints: new plans.PlanCatalogCheckpointSource(),
    clock,
    config: { storeTurnText: false, turnBudgetMs: 27_000 },
    evaluationCache: new Map(),
    selectableServices: services,
    accepted: { plans: plans.listPlanIds(), services, detectedAgents: routing.ACCEPTED_DETECTED_AGENTS },
    maxBodyBytes: 65_536,
    log: { warn: () => undefined },
    logger: new logger.Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
    metrics: new metrics.Metrics({ namespace: 'bench', serviceName: 'bench' }),
  });
  return async (conversation, turn) => {
    now += 1000;
    const res = (await handler(event(query(conversation, turn)), context)) as { statusCode: number; body: string };
    if (res.statusCode !== 200) throw new Error(`turn ${turn}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  };
}

/** The engine alone: orchestrateTurn over a Map store (the current code). */
async function enginePath(): Promise<(conversation: string, turn: number) => Promise<void>> {
  const turnMod: Mod = await import('../functions/orchestrate/turn.js');
  const plans: Mod = await import('../functions/core/plans.js');
  const items = new Map<string, { state: unknown; version: number }>();
  let now = Date.parse('2026-11-24T09:00:00.000Z');
  const store = {
    async get(id: string) {
      const hit = items.get(id);
      return hit ? { ...hit, source: 'cache' } : null;
    },
    async commitTurn(args: { next: { conversation_id: string }; previous: { version: number } | null }) {
      const version = (args.previous?.version ?? 0) + 1;
      items.set(args.next.conversation_id, { state: args.next, version });
      return { version };
    },
    async update() {
      return null;
    },
    async listTurns() {
      return [];
    },
  };
  const deps = {
    store,
    fanout: fanout(),
    dispatcher,
    checkpoints: new plans.PlanCatalogCheckpointSource(),
    clock: { now: () => now },
    config: { storeTurnText: false, turnBudgetMs: 27_000 },
    evaluationCache: new Map(),
    log: { warn: () => undefined },
  };
  return async (conversation, turn) => {
    now += 1000;
    await turnMod.orchestrateTurn(deps, query(conversation, turn), { requestStartedAt: now });
  };
}

/** Run the benchmark. */
export async function run(options: { samples?: number; turns?: number } = {}): Promise<AppBenchSummary> {
  const samples = options.samples ?? 15;
  const turns = options.turns ?? 200;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const variants: Array<[string, (c: string, t: number) => Promise<void>]> = [
    ['now', await httpPath(root)],
    ['baseline', await httpPath(baselineCheckout())],
    ['engine', await enginePath()],
  ];
  const per: Record<string, number[]> = { now: [], baseline: [], engine: [] };
  // Warm-up, then alternate the variants sample by sample so machine noise hits all alike. Each sample is
  // a fresh conversation of `turns` turns (its first turn creates it; the rest are warm-cache turns).
  for (let s = -2; s < samples; s++) {
    for (const [name, turn] of variants) {
      const conversation = `bench-${name}-${s}`;
      await turn(conversation, 0);
      const t0 = performance.now();
      for (let t = 1; t <= turns; t++) await turn(conversation, t);
      const ms = (performance.now() - t0) / turns;
      if (s >= 0) per[name]!.push(ms);
    }
  }
  const now = median(per.now!);
  const base = median(per.baseline!);
  const engine = median(per.engine!);
  return {
    turns_per_sample: turns,
    samples,
    http_path_ms_per_turn_median: round(now),
    baseline_http_path_ms_per_turn_median: round(base),
    engine_ms_per_turn_median: round(engine),
    ratio_http_path_to_baseline: round(now / base, 3),
    ratio_http_path_to_engine: round(now / engine, 3),
    ratio_baseline_to_engine: round(base / engine, 3),
  };
}

/** Rows for the human table printed by bench/run.ts. */
export function table(s: AppBenchSummary): Array<[string, string, string]> {
  return [
    ['app: HTTP path per warm turn, in-memory ports (median)', `${s.http_path_ms_per_turn_median} ms`, `before ${s.baseline_http_path_ms_per_turn_median} ms (${s.ratio_http_path_to_baseline}×, ${BASELINE_COMMIT})`],
    ['app: HTTP path / engine alone', `${s.ratio_http_path_to_engine}×`, `before ${s.ratio_baseline_to_engine}×; engine ${s.engine_ms_per_turn_median} ms`],
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
}
