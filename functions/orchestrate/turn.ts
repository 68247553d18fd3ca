/**
 * The turn use case: one POST /orchestrate after validation. Thin over the pure core: load → decide →
 * persist → respond, with the ports injected so the same code runs in Lambda, the local stack and tests.
 *
 *   1. load the conversation (store.get: warm cache → table); a new one gets its initial checkpoints
 *      synchronously from the CheckpointSource (plan catalog or CHECKPOINT_URL service) plus support tasks;
 *   2. paused → the holding reply, no agents; otherwise select agents and run the fan-out (agents + routed
 *      responder) with a bounded AgentTurnInput, then feed outcomes to the circuit breakers;
 *   3. apply results (checkpoint evaluation, advance, escalation, rolling context) — pure core;
 *   4. commit the turn (version-conditioned) BEFORE replying;
 *   5. after the commit, hand next-checkpoint generation and async agents to the dispatcher (failures are
 *      logged and ignored: they never fail a committed turn);
 *   6. answer with the OrchestratorResponse and a Server-Timing header.
 *
 * Conflict policy: a VersionConflictError on commit means another writer got there first. If the state was
 * served from the warm cache it was probably stale: re-read from the table (consistent, bypassing the cache)
 * and run the turn once more — reusing the agents' results when the fresh state is still at the same turn
 * and checkpoint (the conflicting write was background work such as checkpoint generation), so agents are not
 * called twice. If the state came from the table, or the re-run conflicts again, the answer is a 409 with
 * Retry-After (TurnConflictError): a concurrent turn of the same conversation won, and the client decides.
 */
import type { AgentResult, ResponderName } from '../contracts/agent.js';
import type { OrchestratorQuery, OrchestratorResponse } from '../contracts/api.js';
import {
  ConversationNotFoundError,
  InconsistentTaskStackError,
  LeaseLostError,
  TurnConflictError,
  UnknownPlanError,
} from '../core/errors.js';
import { buildSupportTasks, getPlan, listPlanIds } from '../core/plans.js';
import {
  VersionConflictError,
  type AgentFanout,
  type AgentSelection,
  type AsyncDispatcher,
  type CheckpointSource,
  type Clock,
  type ConversationStore,
  type FanoutResult,
  type KeyValueCache,
  type TurnLogOutcome,
  type TurnQueue,
  type TurnRecord,
} from '../core/ports.js';
import { AlreadyCommittedError, findCommittedTurn, holdConversation, type HeldConversation, type TurnArrival } from './turn-lease.js';
import { routeResponder } from '../core/routing.js';
import { migrateState, newConversation, type ConversationState, type StoredConversation } from '../core/state.js';
import {
  addSupportTasks,
  allCheckpointIds,
  buildTask,
  checkpointProgress,
  checkTaskStack,
  currentPosition,
  taskStackView,
} from '../core/task-stack.js';
import { serverTimingHeader, TurnTimer } from '../core/timing.js';
import { safeUserText } from '../core/safety/engine.js';
import { degradedAgents } from '../core/safety/degraded.js';
import type { EscalationPublisher } from '../core/safety/escalation-event.js';
import { publishEscalation } from './escalation.js';
import {
  applyFanoutResult,
  applyHoldingTurn,
  buildAgentTurnInput,
  prepareTurn,
  servicesForTurn,
  type AppliedTurn,
  type CachedEvaluation,
} from '../core/turn-engine.js';
import type { IndividualMemoryStore } from '../core/memory/ports.js';
import { dispatchMemoryWrite, loadTurnMemory, withMemory } from './memory.js';
import type { AgentTurnInput } from '../contracts/agent.js';

/** Where the use case reports background failures (ids and error names only, never user text). */
export interface TurnLogger {
  warn(message: string, fields: Record<string, unknown>): void;
}

/** Everything a turn needs from the outside world. */
export interface TurnDeps {
  store: ConversationStore;
  fanout: AgentFanout;
  dispatcher: AsyncDispatcher;
  checkpoints: CheckpointSource;
  clock: Clock;
  config: {
    /** Keep the user's raw text in the turn record (off by default: it is health data). */
    storeTurnText: boolean;
    /** Milliseconds from the request's start by which the turn must answer (sets the fan-out deadline). */
    turnBudgetMs: number;
    /** Of the budget, what a queued turn keeps for running once it starts (default 3000 ms): it must start by budget − this. */
    queueRunReserveMs?: number;
  };
  /** Turn queue (double texting, turn-queue.ts). Without it overlapping turns race on the version condition (409). */
  queue?: TurnQueue;
  /** Checkpoint evaluation cache (seed policy: 1 minute). Optional: without it nothing is cached. */
  evaluationCache?: KeyValueCache<CachedEvaluation>;
  /**
   * Services the agent registry lets a turn select (agent-graph `selectableServices`). When given, the
   * agents the engine adds to judge the current checkpoint (checklist, the agent its criteria name) are
   * limited to these; when absent they are always added.
   */
  selectableServices?: readonly string[];
  /** Optional sink for logged-and-ignored background failures. */
  log?: TurnLogger;
  /** Individual memory across conversations (issue #16): read at a turn's start, written after it. */
  memory?: IndividualMemoryStore;
  /** Care-team hand-off of escalations (EventBridge); without it escalations are only logged. */
  escalations?: EscalationPublisher;
}

/** Request facts the handler knows that are not part of the query. */
export interface TurnMeta {
  /** Epoch ms (deps.clock) when the request arrived: `total` timing and the turn deadline count from it. */
  requestStartedAt: number;
  idempotencyKey?: string | undefined;
  /** API Gateway's request time, id and the multitask strategy: the turn queue's ticket (used with deps.queue). */
  arrival?: TurnArrival;
  /** An earlier attempt with this Idempotency-Key prepared turn N: if N is committed, do not run it again. */
  priorAttempt?: { turn: number };
  /** Called with the answer just before the commit (exactly-once: the answer is stored first). May throw to abort. */
  prepare?: (answer: OrchestratorResponse, turn: number) => Promise<void>;
  /** Set by the turn queue: the lease's fencing token for the commit. */
  fence?: number;
}

/** What the handler answers with. */
export interface TurnOutcome {
  response: OrchestratorResponse;
  /** Value of the `Server-Timing` header. */
  serverTiming: string;
  /** Stored version after the commit. */
  version: number;
  /** Number of this turn (1-based). */
  turn: number;
  responder: ResponderName;
  /** The queue's view of the turn (when deps.queue is used). */
  queue?: { waitedMs: number; ahead: number; fence: number };
  /** How the turn log fared (gap left / previous gap repaired). */
  turnLog?: TurnLogOutcome;
}

interface RunResult {
  applied: AppliedTurn;
  next: ConversationState;
  version: number;
  selection: AgentSelection | null;
  fanout: FanoutResult | null;
  /** What the agents were given this turn (null when paused or agents were reused). */
  input?: AgentTurnInput | null;
  turnLog?: TurnLogOutcome;
}

interface ReusableAgents {
  turnCount: number;
  checkpointId: string | null;
  selection: AgentSelection;
  fanout: FanoutResult;
}

/**
 * Run one turn of a conversation. Throws the typed errors the handler maps to HTTP: UnknownPlanError (400),
 * ConversationNotFoundError (404, also for another individual's conversation), TurnConflictError (409),
 * StoreUnavailableError (503); anything else is a bug (500).
 */
export async function orchestrateTurn(deps: TurnDeps, query: OrchestratorQuery, meta: TurnMeta): Promise<TurnOutcome> {
  const timer = new TurnTimer(deps.clock, meta.requestStartedAt);
  let loaded = await timer.time('state', () => deps.store.get(query.conversation_id));
  let held: HeldConversation | null = null;
  if (deps.queue && meta.arrival) {
    const startBy = meta.requestStartedAt + deps.config.turnBudgetMs - (deps.config.queueRunReserveMs ?? 3000);
    held = await holdConversation({ store: deps.store, queue: deps.queue, clock: deps.clock }, query, meta.arrival, startBy, loaded);
    timer.add('queue', held.lease.waitedMs);
    loaded = held.loaded;
  }
  let result: RunResult;
  let reusable: ReusableAgents | null = null;
  let committed = false;
  try {
    if (held && meta.priorAttempt && meta.idempotencyKey !== undefined) {
      // Exactly-once: under the lease, a turn this key already committed is answered, never applied again.
      if (await findCommittedTurn(deps.store, query.conversation_id, meta.priorAttempt.turn, meta.idempotencyKey, loaded)) {
        throw new AlreadyCommittedError(query.conversation_id, meta.priorAttempt.turn);
      }
    }
    const runMeta = held ? { ...meta, fence: held.lease.fence } : meta;
    try {
      result = await runTurn(deps, query, runMeta, timer, loaded, null, (r) => (reusable = r));
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
      if (held === null && loaded?.source !== 'cache') throw new TurnConflictError(query.conversation_id);
      // Stale cache, or (holding the conversation) a background writer: re-read and re-run, reusing the agents.
      for (let attempt = 1; ; attempt++) {
        const fresh = await timer.time('state', () =>
          deps.store.get(query.conversation_id, { consistent: true, bypassCache: true }),
        );
        if (held && (fresh?.marks?.fence ?? 0) > held.lease.fence) throw new LeaseLostError(query.conversation_id);
        try {
          result = await runTurn(deps, query, runMeta, timer, fresh, reusable, () => undefined);
          break;
        } catch (again) {
          if (!(again instanceof VersionConflictError)) throw again;
          if (held === null || attempt >= 3) throw new TurnConflictError(query.conversation_id);
        }
      }
    }
    committed = true;
  } finally {
    if (held && !committed) await held.lease.release();
  }

  const { applied, next, version, selection } = result;
  const [asyncResults] = await timer.time('dispatch', () =>
    Promise.all([
      dispatchBackground(deps, query, next, version, selection, result.fanout?.agents),
      dispatchMemoryWrite(deps, { query, input: result.input ?? null, fanout: result.fanout, state: next }),
      publishEscalation({
        publisher: deps.escalations,
        query,
        decision: applied.safety,
        turn: next.turn_count,
        version,
        escalatedAt: deps.clock.now(),
        requestReceivedAt: meta.requestStartedAt,
        warn: (message, fields) => warn(deps, message, query, new Error(String(fields.error ?? 'PublishFailed'))),
      }),
    ]),
  );
  const response = timer.timeSync('response', () => buildResponse(query, applied, result.fanout, asyncResults));
  if (result.fanout?.responder.latency_ms != null) timer.add('response', result.fanout.responder.latency_ms);
  response.timing_metrics = timer.snapshot();
  return {
    response,
    serverTiming: serverTimingHeader(response.timing_metrics),
    version,
    turn: next.turn_count,
    responder: applied.responder,
    ...(held ? { queue: { waitedMs: held.lease.waitedMs, ahead: held.lease.ahead, fence: held.lease.fence } } : {}),
    ...(result.turnLog ? { turnLog: result.turnLog } : {}),
  };
}

async function runTurn(
  deps: TurnDeps,
  query: OrchestratorQuery,
  meta: TurnMeta,
  timer: TurnTimer,
  loaded: StoredConversation | null,
  reusable: ReusableAgents | null,
  remember: (r: ReusableAgents) => void,
): Promise<RunResult> {
  let state: ConversationState;
  if (loaded === null) {
    state = await timer.time('checkpoints', () => createConversation(deps, query));
  } else {
    // The warm cache only holds states that were validated when read from the table (or written by this
    // engine): no second zod pass on a warm turn. Anything else is validated and migrated here.
    state = loaded.source === 'cache' ? loaded.state : migrateState(loaded.state);
    // Auth seam: a conversation id never gives access to another individual's conversation.
    if (state.individual_id !== query.individual_id) throw new ConversationNotFoundError(query.conversation_id);
  }
  const prepared = timer.timeSync('checkpoints', () => prepareTurn(withRequestedServices(state, query.services), deps.clock.now()));
  const now = () => deps.clock.now();

  let applied: AppliedTurn;
  let recording: Promise<void> | undefined;
  let selection: AgentSelection | null = null;
  let fanout: FanoutResult | null = null;
  let input: AgentTurnInput | null = null;
  const memory = prepared.is_paused ? null : await timer.time('state', () => loadTurnMemory(deps, prepared, loaded === null));
  if (prepared.is_paused) {
    applied = applyHoldingTurn(prepared, { query, now: now() });
  } else {
    const checkpointId = currentPosition(prepared)?.checkpoint?.checkpoint_id ?? null;
    if (reusable !== null && reusable.turnCount === prepared.turn_count && reusable.checkpointId === checkpointId) {
      ({ selection, fanout } = reusable);
      input = withMemory(buildAgentTurnInput(prepared, query, prepared.turn_count + 1), memory);
    } else {
      const ran = await timer.time('agents', async () => {
        const sel = await deps.fanout.select(servicesForTurn(prepared, query.services, deps.selectableServices));
        input = withMemory(buildAgentTurnInput(prepared, query, prepared.turn_count + 1), memory);
        const out = await deps.fanout.run({
          input,
          selection: sel,
          responder: routeResponder(query.detected_agent),
          deadline: meta.requestStartedAt + deps.config.turnBudgetMs,
        });
        return { sel, out };
      });
      selection = ran.sel;
      fanout = ran.out;
      remember({ turnCount: prepared.turn_count, checkpointId, selection, fanout });
      // Breaker bookkeeping runs alongside the commit (it must not delay the state write) and is awaited
      // before the turn returns, so Lambda does not freeze it half-done.
      recording = deps.fanout.record?.(fanout.agents).catch((err: unknown) => warn(deps, 'circuit breaker record failed', query, err));
    }
    const fanoutResult = fanout!;
    applied = timer.timeSync('checkpoints', () =>
      applyFanoutResult(prepared, {
        query,
        fanout: fanoutResult,
        now: now(),
        ...(deps.evaluationCache !== undefined ? { cache: deps.evaluationCache } : {}),
      }),
    );
  }

  const next = applied.state;
  const violations = checkTaskStack(next);
  if (violations.length > 0) throw new InconsistentTaskStackError(next.conversation_id, violations);

  const turn: TurnRecord = {
    turn: next.turn_count,
    conversation_id: next.conversation_id,
    call_log_id: query.call_log_id,
    detected_agent: query.detected_agent,
    responder: applied.responder,
    at: new Date(now()).toISOString(),
    agents: Object.values(fanout?.agents ?? {}).map((a) => ({
      agent: a.agent,
      status: a.status,
      latency_ms: a.latency_ms,
      ...(a.offset_ms !== undefined ? { offset_ms: a.offset_ms } : {}),
    })),
    ...(fanout ? { responder_timing: { offset_ms: fanout.responder.offset_ms ?? null, latency_ms: fanout.responder.latency_ms } } : {}),
    response: {
      response: applied.reply,
      is_enriched: applied.is_enriched,
      requires_human: next.requires_human,
      is_paused: next.is_paused,
      checkpoint_progress: checkpointProgress(next),
      evaluated_checkpoint: applied.verdict,
    },
    timing_metrics: timer.snapshot(),
  };
  // Opt-in text storage keeps the redacted text only (privacy fails closed).
  if (deps.config.storeTurnText) turn.text = safeUserText(query.text, fanout?.agents ?? {});
  if (meta.idempotencyKey !== undefined) turn.idempotency_key = meta.idempotencyKey;
  if (meta.arrival) {
    turn.arrived_at = meta.arrival.at;
    turn.request_id = meta.arrival.requestId;
  }
  if (meta.fence !== undefined) turn.fence = meta.fence;

  try {
    if (meta.prepare) {
      // Exactly-once: the answer is stored (with its turn number) before the commit that makes it true.
      const predicted = Object.fromEntries((selection?.async ?? []).map((a) => [a, { status: 'scheduled' }]));
      const answer = buildResponse(query, applied, fanout, next.is_paused ? {} : predicted);
      answer.timing_metrics = timer.snapshot();
      await meta.prepare(answer, next.turn_count);
    }
    const committed = await timer.time('persist', () =>
      deps.store.commitTurn({ previous: loaded, next, turn, ...(meta.fence !== undefined ? { fence: meta.fence } : {}) }),
    );
    return {
      applied,
      next,
      version: committed.version,
      selection,
      fanout,
      input,
      ...(committed.turnLog ? { turnLog: committed.turnLog } : {}),
    };
  } finally {
    await recording;
  }
}

/** A new conversation: the plan's main task (checkpoints from the source) and the services' support tasks. */
async function createConversation(deps: TurnDeps, query: OrchestratorQuery): Promise<ConversationState> {
  const plan = getPlan(query.plan);
  if (plan === undefined) throw new UnknownPlanError(query.plan, listPlanIds());
  const checkpoints = await deps.checkpoints.initial({
    plan: plan.plan_id,
    conversation_id: query.conversation_id,
    task_id: plan.main_task.task_id,
  });
  // Provenance by content, so a fallback source that served the catalog is still labelled 'plan'.
  const catalogIds = new Set([...plan.main_task.checkpoints, ...plan.extension_checkpoints].map((c) => c.checkpoint_id));
  const source = checkpoints.every((c) => catalogIds.has(c.checkpoint_id)) ? 'plan' : 'external';
  const main = buildTask({ task_id: plan.main_task.task_id, name: plan.main_task.name, kind: 'main', checkpoints }, source);
  const state = newConversation(query, [main], deps.clock.now());
  return addSupportTasks(state, buildSupportTasks(query.services));
}

/** Services named for the first time on a later turn add their support tasks too. */
function withRequestedServices(state: ConversationState, services: readonly string[]): ConversationState {
  const added = services.filter((s) => !state.services.includes(s));
  if (added.length === 0) return state;
  return addSupportTasks({ ...state, services: [...state.services, ...added] }, buildSupportTasks(added));
}

/** After the commit: next-checkpoint generation and async agents. Never throws. */
async function dispatchBackground(
  deps: TurnDeps,
  query: OrchestratorQuery,
  state: ConversationState,
  version: number,
  selection: AgentSelection | null,
  fanoutAgents?: Readonly<Record<string, AgentResult>>,
): Promise<Record<string, Record<string, unknown>>> {
  const results: Record<string, Record<string, unknown>> = {};
  if (state.is_paused || selection === null) return results;
  const jobs: Array<Promise<void>> = [];
  const pos = currentPosition(state);
  if (pos !== null) {
    jobs.push(
      deps.dispatcher
        .generateCheckpoints({
          contract_version: 1,
          conversation_id: state.conversation_id,
          plan: state.plan,
          task_id: pos.task.task_id,
          based_on_version: version,
          completed_checkpoint_ids: completedIds(state).slice(-200),
          context_summary: state.context.summary,
          detected_agent: query.detected_agent,
        })
        .catch((err: unknown) => warn(deps, 'checkpoint generation not dispatched', query, err)),
    );
  }
  // Async agents (and their dead letters) get the redacted text, never the raw one.
  const input = { ...buildAgentTurnInput(state, query, Math.max(1, state.turn_count)), text: safeUserText(query.text, fanoutAgents ?? {}) };
  for (const agent of selection.async) {
    jobs.push(
      deps.dispatcher.runAsyncAgent(agent, input).then(
        () => {
          results[agent] = { status: 'scheduled' };
        },
        (err: unknown) => {
          results[agent] = { status: 'not_scheduled' };
          warn(deps, 'async agent not dispatched', query, err, agent);
        },
      ),
    );
  }
  await Promise.all(jobs);
  return results;
}

function completedIds(state: ConversationState): string[] {
  const progress = checkpointProgress(state);
  return allCheckpointIds(state).filter((id) => progress[id]);
}

function warn(deps: TurnDeps, message: string, query: OrchestratorQuery, err: unknown, agent?: string): void {
  try {
    deps.log?.warn(message, {
      conversation_id: query.conversation_id,
      call_log_id: query.call_log_id,
      ...(agent !== undefined ? { agent } : {}),
      error: err instanceof Error ? err.name : 'unknown',
    });
  } catch {
    // A broken logger must not fail a committed turn.
  }
}

function buildResponse(
  query: OrchestratorQuery,
  applied: AppliedTurn,
  fanout: FanoutResult | null,
  asyncResults: Record<string, Record<string, unknown>>,
): OrchestratorResponse {
  const state = applied.state;
  const sync: Record<string, AgentResult[]> = {};
  for (const [name, result] of Object.entries(fanout?.agents ?? {})) sync[name] = [result];
  const degraded = degradedAgents(fanout);
  return {
    response: applied.reply,
    conversation_id: query.conversation_id,
    checkpoints: allCheckpointIds(state),
    checkpoint_progress: checkpointProgress(state),
    task_stack: taskStackView(state),
    sync_agent_results: sync,
    async_agent_results: asyncResults,
    requires_human: state.requires_human,
    is_paused: state.is_paused,
    is_enriched: applied.is_enriched,
    timing_metrics: {},
    degraded: degraded.length > 0,
    degraded_agents: degraded,
  };
}
