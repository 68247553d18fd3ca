/**
 * StepFunctionsFanout: the AgentFanout port on the Step Functions EXPRESS workflow generated from the
 * registry (lib/constructs/agent-workflow.ts). One StartSyncExecution per turn runs the agent graph and the
 * routed responder.
 *
 * - select(): requested services closed over dependencies + core agents, minus agents whose circuit breaker
 *   is open (reported as circuit_open, never waited on); async agents listed separately.
 * - run(): per-agent budgets from the turn deadline (the responder's share is reserved first, the rest is
 *   split across the graph's levels, each agent capped by its timeout profile), then StartSyncExecution —
 *   whose HTTP answer is 200 even when the execution FAILED, so `status` is checked — and the output is
 *   mapped to FanoutResult (latency from the times the workflow recorded). If the execution fails or does
 *   not answer before the deadline, every agent that was to run is reported `error`/`timeout` and the
 *   responder has no output: the engine answers with its fallback reply.
 * - record(): agent outcomes feed the circuit breakers (ok closes, error/timeout count as failures).
 */
import { StartSyncExecutionCommand, type StartSyncExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { createSfnClient } from './sfn-client.js';
import { fitTurnInput } from '../core/payload-budget.js';
import {
  AgentOutputSchema,
  ResponderOutputSchema,
  type AgentResult,
  type AgentStatus,
  type AgentTurnInput,
  type ResponderName,
  type ResponderOutput,
} from '../contracts/agent.js';
import type { AgentFanout, AgentSelection, Clock, FanoutResult } from '../core/ports.js';
import {
  graphAgents,
  RESPONDERS,
  selectAgents,
  topologicalLevels,
  type AgentMode,
  type AgentRegistry,
  type WorkflowAgentRecord,
  type WorkflowInput,
  type WorkflowOutput,
} from '../core/agent-graph.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCircuitBreakers, type AgentBreakers } from './circuit-breaker.js';

/** How the turn's remaining time is shared out. */
export interface BudgetOptions {
  /** Kept back for starting the execution, mapping results and the commit after it. */
  safetyMarginMs: number;
  /** Share of the remaining time reserved for the responder (capped by its profile). */
  responderShare: number;
  /** The responder never gets less than this (unless the turn has less left in total). */
  minResponderMs: number;
}

/** Defaults: 1 s margin, 35 % (at least 2 s) for the responder. */
export const DEFAULT_BUDGET: BudgetOptions = { safetyMarginMs: 1000, responderShare: 0.35, minResponderMs: 2000 };

/** Per-agent Step Functions timeouts (whole seconds, ≥ 1) for one turn. */
export interface TurnBudget {
  timeouts: Record<string, number>;
  /** Time reserved for the responder, ms. */
  responderMs: number;
  /** Time available to the agent levels, ms. */
  agentsMs: number;
}

/**
 * Share the time until `deadline` out: the responder's reserve first, then the agent phase split across
 * the graph levels that have a running agent, weighted by each level's largest profile timeout; each agent
 * gets min(its profile's read timeout, its level's share). A slow agent is therefore cut before it eats into
 * the responder's time. Agents not running get 1 (the ASL needs a value; it is never used).
 */
export function computeBudget(
  registry: AgentRegistry,
  run: readonly string[],
  responder: string,
  now: number,
  deadline: number,
  options: BudgetOptions = DEFAULT_BUDGET,
): TurnBudget {
  const profileMs = (name: string): number => registry.timeouts[registry.agents[name]!.timeout]!.read * 1000;
  const available = Math.max(0, deadline - now - options.safetyMarginMs);
  const responderMs = Math.min(
    profileMs(responder),
    Math.max(options.minResponderMs, available * options.responderShare),
    Math.max(1000, available - 1000),
  );
  const agentsMs = Math.max(0, available - responderMs);
  const running = new Set(run);
  const levels = topologicalLevels(registry)
    .map((l) => l.filter((n) => running.has(n)))
    .filter((l) => l.length > 0);
  const weights = levels.map((l) => Math.max(...l.map(profileMs)));
  const total = weights.reduce((a, b) => a + b, 0);
  const timeouts: Record<string, number> = {};
  for (const n of [...graphAgents(registry), ...RESPONDERS]) timeouts[n] = 1;
  levels.forEach((l, i) => {
    const share = total > 0 ? (agentsMs * weights[i]!) / total : 0;
    for (const n of l) timeouts[n] = Math.max(1, Math.floor(Math.min(profileMs(n), share) / 1000));
  });
  timeouts[responder] = Math.max(1, Math.floor(responderMs / 1000));
  return { timeouts, responderMs, agentsMs };
}

/** The one call the fan-out makes (an SFNClient satisfies it; tests pass a local stand-in). */
export interface SyncExecutionClient {
  send(command: StartSyncExecutionCommand, options?: { abortSignal?: AbortSignal }): Promise<StartSyncExecutionCommandOutput>;
}

/** Options of {@link StepFunctionsFanout}. */
export interface StepFunctionsFanoutOptions {
  registry: AgentRegistry;
  stateMachineArn: string;
  /** Default: {@link createSfnClient} (host prefix off only for a custom endpoint such as AWS_ENDPOINT_URL_SFN). */
  client?: SyncExecutionClient;
  /** Circuit breakers; without them nothing is ever circuit_open. */
  breakers?: AgentBreakers;
  clock?: Clock;
  budget?: Partial<BudgetOptions>;
}

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

function latency(started?: string, ended?: string): number | null {
  const a = ms(started);
  const b = ms(ended);
  return a !== undefined && b !== undefined ? Math.max(0, b - a) : null;
}

/** Earliest start the workflow recorded (agents and responder): the zero of the turn's waterfall. */
function workflowStart(output: WorkflowOutput): number | undefined {
  const starts = [...Object.values(output.agents ?? {}).map((r) => r?.started_at), output.responder?.started_at]
    .map((t) => ms(t))
    .filter((t): t is number => t !== undefined);
  return starts.length ? Math.min(...starts) : undefined;
}

function offsetFrom(base: number | undefined, started?: string): number | undefined {
  const t = ms(started);
  return base !== undefined && t !== undefined ? Math.max(0, t - base) : undefined;
}

/** Step Functions error → AgentResult.error (the Lambda's errorMessage when the Cause is its JSON). */
function toError(e: { Error?: string; Cause?: string } | undefined, fallback: string): { type: string; message: string } {
  let message = e?.Cause ?? '';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Cause is plain text.
  }
  return { type: e?.Error ?? fallback, message: message.slice(0, 500) };
}

/**
 * Error type prefix of results made up because the whole execution failed (not the agent's fault): such
 * results do not count against the agents' circuit breakers.
 */
export const WORKFLOW_ERROR_PREFIX = 'Workflow.';


/** AgentFanout on Step Functions Express (StartSyncExecution). */
export class StepFunctionsFanout implements AgentFanout {
  private readonly client: SyncExecutionClient;
  private readonly clock: Clock;
  private readonly budget: BudgetOptions;

  constructor(private readonly options: StepFunctionsFanoutOptions) {
    this.client = options.client ?? createSfnClient();
    this.clock = options.clock ?? { now: () => Date.now() };
    this.budget = { ...DEFAULT_BUDGET, ...options.budget };
  }

  /** Requested services closed over dependencies + core agents, minus open breakers. Throws UnknownServiceError. */
  async select(services: string[]): Promise<AgentSelection> {
    const { run, async } = selectAgents(this.options.registry, services);
    if (!this.options.breakers) return { run, circuit_open: [], async };
    const { allowed, open } = await this.options.breakers.admit(run);
    return { run: allowed, circuit_open: open, async };
  }

  /** Build the execution input (exported shape: WorkflowInput). */
  workflowInput(args: { input: AgentTurnInput; selection: AgentSelection; responder: ResponderName; deadline: number }): WorkflowInput<AgentTurnInput> {
    const { registry } = this.options;
    const mode: Record<string, AgentMode> = {};
    for (const n of graphAgents(registry)) {
      mode[n] = args.selection.run.includes(n) ? 'run' : args.selection.circuit_open.includes(n) ? 'circuit_open' : 'skipped';
    }
    const { timeouts } = computeBudget(registry, args.selection.run, args.responder, this.clock.now(), args.deadline, this.budget);
    // The execution's state must stay under 256 KB: fit the context and give each agent its output budget.
    const input = fitTurnInput(args.input, graphAgents(registry).length);
    return { input, mode, timeouts, responder: args.responder };
  }

  async run(args: { input: AgentTurnInput; selection: AgentSelection; responder: ResponderName; deadline: number }): Promise<FanoutResult> {
    const started = this.clock.now();
    const wfInput = this.workflowInput(args);
    let output: WorkflowOutput | undefined;
    let failure: { status: AgentStatus; type: string; message: string } | undefined;
    try {
      // Stop waiting at the deadline: the turn must answer even if the workflow does not.
      const waitMs = Math.max(1, args.deadline - started - 250);
      const res = await this.client.send(
        new StartSyncExecutionCommand({ stateMachineArn: this.options.stateMachineArn, input: JSON.stringify(wfInput) }),
        { abortSignal: AbortSignal.timeout(waitMs) },
      );
      if (res.status === 'SUCCEEDED' && res.output) {
        output = JSON.parse(res.output) as WorkflowOutput;
      } else {
        failure = {
          status: res.status === 'TIMED_OUT' ? 'timeout' : 'error',
          type: `${WORKFLOW_ERROR_PREFIX}${res.status ?? 'Unknown'}`,
          message: `workflow execution ${res.status ?? 'returned no status'}`,
        };
      }
    } catch (err) {
      const aborted = err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
      failure = {
        status: aborted ? 'timeout' : 'error',
        type: `${WORKFLOW_ERROR_PREFIX}${aborted ? 'DeadlineExceeded' : err instanceof Error ? err.name : 'Error'}`,
        message: aborted ? 'workflow did not answer before the turn deadline' : 'workflow could not be started',
      };
    }
    const duration_ms = this.clock.now() - started;
    return output ? this.mapOutput(output, args, duration_ms) : this.failed(args, failure!, duration_ms);
  }

  /** Map a workflow output to FanoutResult (outputs re-validated against the contract). */
  mapOutput(output: WorkflowOutput, args: { selection: AgentSelection; responder: ResponderName }, duration_ms: number): FanoutResult {
    const agents: Record<string, AgentResult> = {};
    const base = workflowStart(output);
    for (const name of graphAgents(this.options.registry)) {
      const rec: WorkflowAgentRecord | undefined = output.agents?.[name];
      if (!rec) {
        agents[name] = { agent: name, status: args.selection.circuit_open.includes(name) ? 'circuit_open' : 'skipped', latency_ms: null };
        continue;
      }
      const result: AgentResult = { agent: name, status: rec.status, latency_ms: latency(rec.started_at, rec.ended_at) };
      const offset = offsetFrom(base, rec.started_at);
      if (offset !== undefined) result.offset_ms = offset;
      if (rec.status === 'ok') {
        const parsed = AgentOutputSchema.safeParse(rec.out?.[name]);
        if (parsed.success) result.output = parsed.data;
        else {
          result.status = 'error';
          result.error = { type: 'ContractViolation', message: `output breaks the agent contract at ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`.slice(0, 500) };
        }
      } else if (rec.status === 'error' || rec.status === 'timeout') {
        result.error = toError(rec.error, rec.status === 'timeout' ? 'States.Timeout' : 'States.TaskFailed');
      }
      agents[name] = result;
    }
    const r = output.responder;
    const responder: FanoutResult['responder'] = {
      name: (r?.name as ResponderName) ?? args.responder,
      status: r?.status ?? 'error',
      latency_ms: latency(r?.started_at, r?.ended_at),
    };
    const responderOffset = offsetFrom(base, r?.started_at);
    if (responderOffset !== undefined) responder.offset_ms = responderOffset;
    if (r?.status === 'ok') {
      const parsed = ResponderOutputSchema.safeParse(r.output);
      if (parsed.success) responder.output = parsed.data as ResponderOutput;
      else responder.status = 'error';
    }
    return { agents, responder, duration_ms };
  }

  /** The execution produced nothing: every agent that was to run is reported with the failure. */
  private failed(
    args: { selection: AgentSelection; responder: ResponderName },
    failure: { status: AgentStatus; type: string; message: string },
    duration_ms: number,
  ): FanoutResult {
    const agents: Record<string, AgentResult> = {};
    for (const name of graphAgents(this.options.registry)) {
      if (args.selection.run.includes(name)) {
        agents[name] = { agent: name, status: failure.status, latency_ms: null, error: { type: failure.type, message: failure.message } };
      } else {
        agents[name] = { agent: name, status: args.selection.circuit_open.includes(name) ? 'circuit_open' : 'skipped', latency_ms: null };
      }
    }
    return { agents, responder: { name: args.responder, status: failure.status, latency_ms: null }, duration_ms };
  }

  /** Feed outcomes to the breakers: ok → success; error/timeout → failure; skipped/circuit_open ignored. */
  async record(results: Record<string, AgentResult>): Promise<void> {
    if (!this.options.breakers) return;
    const outcomes: Record<string, 'success' | 'failure'> = {};
    for (const [name, r] of Object.entries(results)) {
      if (r.status === 'ok') outcomes[name] = 'success';
      else if ((r.status === 'error' || r.status === 'timeout') && !r.error?.type.startsWith(WORKFLOW_ERROR_PREFIX)) {
        outcomes[name] = 'failure';
      }
    }
    if (Object.keys(outcomes).length === 0) return;
    try {
      await this.options.breakers.record(outcomes);
    } catch {
      // Breaker bookkeeping must never fail a turn; the next outcome is recorded again.
    }
  }
}

/** Env the fan-out reads in {@link createFanoutFromEnv}. */
export interface FanoutEnv {
  /** ARN of the fan-out state machine (required). */
  STATE_MACHINE_ARN?: string;
  /** The registry in effect as JSON (the stack sets it to the synthesized registry). */
  AGENT_REGISTRY?: string;
  /** The single table: enables the shared circuit breakers. */
  TABLE_NAME?: string;
  [key: string]: string | undefined;
}

/** STATE_MACHINE_ARN is missing: the orchestrate function was deployed without the workflow. */
export class FanoutConfigError extends Error {
  override readonly name = 'FanoutConfigError';
}

/**
 * Wire a StepFunctionsFanout from the Lambda environment: registry (AGENT_REGISTRY / *_SERVICE_URL over
 * config/agents.json), STATE_MACHINE_ARN, and — when TABLE_NAME and a document client are given —
 * DynamoDB-shared circuit breakers. Call once at module scope.
 */
export function createFanoutFromEnv(args: {
  /** Default: process.env. */
  env?: FanoutEnv;
  registry: AgentRegistry;
  documentClient?: DynamoDBDocumentClient;
  client?: SyncExecutionClient;
  clock?: Clock;
}): StepFunctionsFanout {
  const env: FanoutEnv = args.env ?? process.env;
  const arn = env.STATE_MACHINE_ARN;
  if (!arn) throw new FanoutConfigError('STATE_MACHINE_ARN is not set');
  const { registry } = args;
  const breakers =
    env.TABLE_NAME && args.documentClient
      ? new DynamoCircuitBreakers({
          client: args.documentClient,
          tableName: env.TABLE_NAME,
          clock: args.clock,
          policyFor: (agent) => ({ ...registry.breaker, ...registry.agents[agent]?.breaker }),
        })
      : undefined;
  return new StepFunctionsFanout({ registry, stateMachineArn: arn, client: args.client, clock: args.clock, breakers });
}
