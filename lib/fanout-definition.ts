/**
 * The ASL of the agent fan-out workflow, GENERATED from the agent registry (pure: tests check it without
 * synth; lib/constructs/agent-workflow.ts deploys it with the real function ARNs).
 *
 * The agent graph (hard dependencies and `after` ordering) is decomposed into nested sequences and
 * Parallel states (functions/core/series-parallel.ts), so each agent starts when its own dependencies
 * finish — never when a whole topological level does. Exact for series-parallel graphs (ours); for any
 * other graph the decomposition adds the fewest waits it can and {@link fanoutPlan} reports them and the
 * bound (printed at synth by the construct).
 *
 *   Begin (Pass: $.done = {}) → <agent graph> → Collect results → Route responder (Choice)
 *     → Start <r> → Respond <r> (Task) → Responder <r> done | failed | timed out (Pass, End)
 *
 *   <agent graph> = an agent | a sequence of graphs | Parallel N (one branch per independent part; ResultSelector
 *                   keeps the records done before it and adds each branch's, ResultPath $.done)
 *
 *   agent X:  X? (Choice on $.mode.X) ─run→ Start X (Pass: EnteredTime, request extras)
 *               → Run X (Task lambda:invoke, timeout $.timeouts.X via TimeoutSecondsPath, Retry transient
 *                 Lambda errors, Catch Timeout→timeout, ALL→error) → X done (Pass: EnteredTime)
 *             ─circuit_open→ X circuit open (Pass)   ─else→ X skipped (Pass)
 *
 * Every agent ends in a uniform record at `$.done.X` = { agent, status, started_at, ended_at, out, error? }
 * where `out` is `{ X: output }` when ok and `{}` otherwise, so a dependent's `dependencies` and the
 * responder's `agent_results` are built with States.JsonMerge over `out`s and never hit a missing path.
 * The agent event is AgentRequest FLAT: States.JsonMerge($.input, { agent, dependencies, timeout_seconds })
 * (`timeout_seconds` = the agent's budget this turn, an extra field the contract schemas strip; the HTTP
 * invoker uses it to bound its retries). JSONPath only: aws-local-stepfunctions ignores JSONata, and the
 * local stack runs this very definition.
 */
import {
  agentEdges,
  agentTaskStateName,
  graphAgents,
  RESPONDERS,
  responderTaskStateName,
  validateRegistry,
  type AgentConfig,
  type AgentRegistry,
} from '../functions/core/agent-graph.js';
import { decomposeSeriesParallel, type SpDecomposition, type SpNode } from '../functions/core/series-parallel.js';

/** A JSON object of the Amazon States Language. */
export type AslObject = { [key: string]: unknown };

/** Transient Lambda service errors worth a retry. An agent's own errors (client errors) never are. */
export const TRANSIENT_LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Errors that mean "the agent took too long": Step Functions' own, and the HTTP invoker's typed one. */
export const TIMEOUT_ERRORS = ['States.Timeout', 'AgentTimeoutError'];

/** Placeholder ARNs for {@link buildDefinition} when no real functions exist (tests, docs). */
export function placeholderArn(agent: AgentConfig): string {
  if (agent.target.type === 'lambda' && agent.target.function_arn) return agent.target.function_arn;
  if (agent.target.type === 'http') return 'arn:aws:lambda:us-east-1:123456789012:function:polaris-http-agent';
  return `arn:aws:lambda:us-east-1:123456789012:function:polaris-agent-${agent.name}`;
}

/** Balanced States.JsonMerge over JSONPaths (depth log2(n), well inside the nesting limit). */
export function mergeExpr(paths: string[]): string {
  if (paths.length === 1) return paths[0]!;
  const mid = Math.ceil(paths.length / 2);
  return `States.JsonMerge(${mergeExpr(paths.slice(0, mid))}, ${mergeExpr(paths.slice(mid))}, false)`;
}

/** `"key.$": <merge>` or `"key": {}` when there is nothing to merge. */
export function mergedField(key: string, paths: string[]): Record<string, unknown> {
  return paths.length === 0 ? { [key]: {} } : { [`${key}.$`]: mergeExpr(paths) };
}

/** Step Functions retry of transient Lambda errors, per the agent's retry policy (none when 0 retries). */
export function retryFor(registry: AgentRegistry, agent: AgentConfig): AslObject[] | undefined {
  const policy = registry.retry_policies[agent.retry]!;
  if (policy.max_retries === 0) return undefined;
  return [
    {
      ErrorEquals: TRANSIENT_LAMBDA_ERRORS,
      // ASL intervals are whole seconds (min 1); the seed's 0.5 s rounds up.
      IntervalSeconds: Math.max(1, Math.ceil(policy.base_delay_seconds)),
      MaxAttempts: Math.min(policy.max_retries, 3),
      BackoffRate: policy.backoff_rate,
      MaxDelaySeconds: 4,
      JitterStrategy: 'FULL',
    },
  ];
}

/** Where agent X's record lives in the execution state. */
export const donePath = (agent: string): string => `$.done.${agent}`;

/** The decomposition of the registry's workflow agents and its bound (what synth reports). */
export function fanoutPlan(registry: AgentRegistry): SpDecomposition {
  const agents = graphAgents(registry);
  const inGraph = new Set(agents);
  const deps = Object.fromEntries(agents.map((n) => [n, agentEdges(registry.agents[n]!).filter((d) => inGraph.has(d))]));
  return decomposeSeriesParallel(deps);
}

/** Where the generated states go next: a state name, or the end of the current branch. */
type Next = { Next: string } | { End: true };

/** Emit one agent's states into `states`; returns its entry state. */
function emitAgent(registry: AgentRegistry, name: string, arn: string, states: Record<string, AslObject>, next: Next): string {
  const agent = registry.agents[name]!;
  const inGraph = new Set(graphAgents(registry));
  const depPaths = agentEdges(agent)
    .filter((d) => inGraph.has(d))
    .sort()
    .map((d) => `${donePath(d)}.out`);
  const s = {
    choice: `${name}?`,
    start: `Start ${name}`,
    run: agentTaskStateName(name),
    done: `${name} done`,
    failed: `${name} failed`,
    timedOut: `${name} timed out`,
    skipped: `${name} skipped`,
    open: `${name} circuit open`,
  };
  const record = (fields: Record<string, unknown>): AslObject => ({ Type: 'Pass', Parameters: fields, ResultPath: donePath(name), ...next });
  const ended = (status: string): AslObject =>
    record({ agent: name, status, 'started_at.$': '$.Payload.started_at', 'ended_at.$': '$$.State.EnteredTime', 'error.$': '$.error', out: {} });
  const retry = retryFor(registry, agent);
  states[s.choice] = {
    Type: 'Choice',
    Choices: [
      { Variable: `$.mode.${name}`, IsPresent: false, Next: s.skipped },
      { Variable: `$.mode.${name}`, StringEquals: 'run', Next: s.start },
      { Variable: `$.mode.${name}`, StringEquals: 'circuit_open', Next: s.open },
    ],
    Default: s.skipped,
  };
  states[s.start] = {
    Type: 'Pass',
    Parameters: {
      'started_at.$': '$$.State.EnteredTime',
      'timeout_seconds.$': `$.timeouts.${name}`,
      req: { agent: name, ...mergedField('dependencies', depPaths), 'timeout_seconds.$': `$.timeouts.${name}` },
    },
    // At `$.Payload` so that TimeoutSecondsPath `$.Payload.timeout_seconds` resolves both against the raw
    // state input and against the effective input after Parameters ({ FunctionName, Payload }), which is
    // what aws-local-stepfunctions reads.
    ResultPath: '$.Payload',
    Next: s.run,
  };
  states[s.run] = {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: arn, 'Payload.$': 'States.JsonMerge($.input, $.Payload.req, false)' },
    TimeoutSecondsPath: '$.Payload.timeout_seconds',
    ResultSelector: { 'output.$': '$.Payload' },
    ResultPath: '$.result',
    ...(retry ? { Retry: retry } : {}),
    Catch: [
      { ErrorEquals: TIMEOUT_ERRORS, ResultPath: '$.error', Next: s.timedOut },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: s.failed },
    ],
    Next: s.done,
  };
  states[s.done] = record({
    agent: name,
    status: 'ok',
    'started_at.$': '$.Payload.started_at',
    'ended_at.$': '$$.State.EnteredTime',
    out: { [`${name}.$`]: '$.result.output' },
  });
  states[s.timedOut] = ended('timeout');
  states[s.failed] = ended('error');
  states[s.skipped] = record({ agent: name, status: 'skipped', out: {} });
  states[s.open] = record({ agent: name, status: 'circuit_open', out: {} });
  return s.choice;
}

/** Agents of a decomposition node, sorted. */
function agentsOf(node: SpNode): string[] {
  if (node.kind === 'agent') return [node.name];
  return (node.kind === 'series' ? node.steps : node.branches).flatMap(agentsOf).sort();
}

/**
 * Generate the ASL of the fan-out workflow from a registry. `arnFor` gives the function each Task invokes
 * (CDK tokens in the construct; placeholders by default). Pure: tests check the ASL without synth.
 */
export function buildDefinition(registry: AgentRegistry, arnFor: (agent: AgentConfig) => string = placeholderArn): AslObject {
  validateRegistry(registry);
  const plan = fanoutPlan(registry);
  let parallels = 0;

  /** Emit `node` into `states`, entered with the agents of `before` done; returns its entry state. */
  const emit = (node: SpNode, before: readonly string[], states: Record<string, AslObject>, next: Next): string => {
    if (node.kind === 'agent') return emitAgent(registry, node.name, arnFor(registry.agents[node.name]!), states, next);
    if (node.kind === 'series') {
      const entries: string[] = [];
      let done = [...before];
      const befores = node.steps.map((step) => {
        const b = done;
        done = [...done, ...agentsOf(step)];
        return b;
      });
      // Emit back to front so each step knows the entry of the one after it.
      let after: Next = next;
      for (let i = node.steps.length - 1; i >= 0; i--) {
        const entry = emit(node.steps[i]!, befores[i]!, states, after);
        entries.unshift(entry);
        after = { Next: entry };
      }
      return entries[0]!;
    }
    const name = `Parallel ${++parallels}`;
    const branches = node.branches.map((b) => {
      const branchStates: Record<string, AslObject> = {};
      const startAt = emit(b, before, branchStates, { End: true });
      return { StartAt: startAt, States: branchStates };
    });
    // Every branch carries the records done before it; each adds its own agents'.
    const selector: Record<string, string> = {};
    for (const a of before) selector[`${a}.$`] = `$[0].done.${a}`;
    node.branches.forEach((b, i) => {
      for (const a of agentsOf(b)) selector[`${a}.$`] = `$[${i}].done.${a}`;
    });
    states[name] = {
      Type: 'Parallel',
      Comment: `Independent parts, each starting now: ${node.branches.map((b) => agentsOf(b).join('+')).join(' | ')}`,
      Branches: branches,
      ResultSelector: selector,
      ResultPath: '$.done',
      ...next,
    };
    return name;
  };

  const states: Record<string, AslObject> = {};
  const allAgents = plan.root ? agentsOf(plan.root) : [];
  states['Begin'] = {
    Type: 'Pass',
    Comment: plan.bound.exact
      ? 'Agent graph: every agent starts when its own dependencies finish (series-parallel, exact).'
      : `Agent graph not series-parallel: added waits ${plan.bound.extra_waits.map(([a, b]) => `${a} after ${b}`).join(', ')}; agent phase ≤ ${plan.bound.critical_path_factor}× the critical path.`,
    Result: {},
    ResultPath: '$.done',
    Next: 'Collect results',
  };
  if (plan.root) states['Begin'].Next = emit(plan.root, [], states, { Next: 'Collect results' });

  states['Collect results'] = {
    Type: 'Pass',
    Comment: 'The ok outputs of every agent, for the responder (ResponderRequest.agent_results).',
    Parameters: mergedField('agent_results', allAgents.map((n) => `${donePath(n)}.out`)),
    ResultPath: '$.collected',
    Next: 'Route responder',
  };

  const responders = RESPONDERS.filter((r) => registry.agents[r]);
  states['Route responder'] = {
    Type: 'Choice',
    Choices: responders.map((r) => ({ Variable: '$.responder', StringEquals: r, Next: `Start ${r}` })),
    Default: 'Start primary',
  };
  for (const r of responders) {
    const agent = registry.agents[r]!;
    const retry = retryFor(registry, agent);
    const finish = (status: string, extra: Record<string, unknown>): AslObject => ({
      Type: 'Pass',
      Parameters: {
        'agents.$': '$.done',
        responder: { name: r, status, 'started_at.$': '$.Payload.started_at', 'ended_at.$': '$$.State.EnteredTime', ...extra },
      },
      End: true,
    });
    states[`Start ${r}`] = {
      Type: 'Pass',
      Parameters: {
        'started_at.$': '$$.State.EnteredTime',
        'timeout_seconds.$': `$.timeouts.${r}`,
        req: { responder: r, 'timeout_seconds.$': `$.timeouts.${r}` },
      },
      ResultPath: '$.Payload',
      Next: responderTaskStateName(r),
    };
    states[responderTaskStateName(r)] = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: arnFor(agent),
        'Payload.$': 'States.JsonMerge(States.JsonMerge($.input, $.collected, false), $.Payload.req, false)',
      },
      TimeoutSecondsPath: '$.Payload.timeout_seconds',
      ResultSelector: { 'output.$': '$.Payload' },
      ResultPath: '$.responder_result',
      ...(retry ? { Retry: retry } : {}),
      Catch: [
        { ErrorEquals: TIMEOUT_ERRORS, ResultPath: '$.error', Next: `Responder ${r} timed out` },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: `Responder ${r} failed` },
      ],
      Next: `Responder ${r} done`,
    };
    states[`Responder ${r} done`] = finish('ok', { 'output.$': '$.responder_result.output' });
    states[`Responder ${r} timed out`] = finish('timeout', { 'error.$': '$.error' });
    states[`Responder ${r} failed`] = finish('error', { 'error.$': '$.error' });
  }

  return {
    Comment:
      'Polaris agent fan-out: the agent graph as nested sequences and Parallel branches (each agent starts when its dependencies finish), then the routed responder (generated from the agent registry)',
    StartAt: 'Begin',
    States: states,
  };
}
