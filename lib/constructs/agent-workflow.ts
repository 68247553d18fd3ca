/**
 * AgentWorkflow: the agent fan-out as a Step Functions EXPRESS state machine whose ASL is GENERATED from
 * the agent registry (config/agents.json + overrides), plus the Lambdas it invokes: one reference agent
 * function per lambda-target agent/responder (functions/agent/handler.ts, env AGENT_NAME) and one shared
 * HTTP invoker (functions/http-agent/handler.ts) for http targets.
 *
 * Shape of the generated ASL (JSONPath only — aws-local-stepfunctions ignores JSONata, and the local stack
 * runs this very definition):
 *
 *   Level 0 (Parallel: one branch per agent) → Level 1 → … → Collect results → Route responder (Choice)
 *     → Start <r> → Respond <r> (Task) → Responder <r> done | failed | timed out (Pass, End)
 *
 *   branch of agent X:  X? (Choice on $.mode.X) ─run→ Start X (Pass: EnteredTime, request extras)
 *                         → Run X (Task lambda:invoke, timeout $.timeouts.X via TimeoutSecondsPath, Retry transient
 *                           Lambda errors, Catch Timeout→timeout, ALL→error) → X done (Pass: EnteredTime)
 *                       ─circuit_open→ X circuit open (Pass)   ─else→ X skipped (Pass)
 *
 * Each branch ends in a uniform record { agent, status, started_at, ended_at, out, error? } where `out` is
 * `{ X: output }` when ok and `{}` otherwise, so a dependent's `dependencies` and the responder's
 * `agent_results` are built with States.JsonMerge over `out`s and never hit a missing path.
 * The agent event is AgentRequest FLAT: States.JsonMerge($.input, { agent, dependencies, timeout_seconds })
 * (`timeout_seconds` = the agent's budget this turn, an extra field the contract schemas strip; the HTTP
 * invoker uses it to bound its retries).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  agentTaskStateName,
  defaultRegistry,
  graphAgents,
  registryOverrideFrom,
  RESPONDERS,
  responderTaskStateName,
  topologicalLevels,
  validateRegistry,
  type AgentConfig,
  type AgentRegistry,
} from '../../functions/core/agent-graph.js';
import { OrchestratorFunction } from './function.js';

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
function mergeExpr(paths: string[]): string {
  if (paths.length === 1) return paths[0]!;
  const mid = Math.ceil(paths.length / 2);
  return `States.JsonMerge(${mergeExpr(paths.slice(0, mid))}, ${mergeExpr(paths.slice(mid))}, false)`;
}

/** `"key.$": <merge>` or `"key": {}` when there is nothing to merge. */
function mergedField(key: string, paths: string[]): Record<string, unknown> {
  return paths.length === 0 ? { [key]: {} } : { [`${key}.$`]: mergeExpr(paths) };
}

function retryFor(registry: AgentRegistry, agent: AgentConfig): AslObject[] | undefined {
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

function agentBranch(registry: AgentRegistry, name: string, depPaths: string[], arn: string): AslObject {
  const agent = registry.agents[name]!;
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
  const ended = (status: string): AslObject => ({
    Type: 'Pass',
    Parameters: {
      agent: name,
      status,
      'started_at.$': '$.Payload.started_at',
      'ended_at.$': '$$.State.EnteredTime',
      'error.$': '$.error',
      out: {},
    },
    End: true,
  });
  const retry = retryFor(registry, agent);
  return {
    StartAt: s.choice,
    States: {
      [s.choice]: {
        Type: 'Choice',
        Choices: [
          { Variable: `$.mode.${name}`, IsPresent: false, Next: s.skipped },
          { Variable: `$.mode.${name}`, StringEquals: 'run', Next: s.start },
          { Variable: `$.mode.${name}`, StringEquals: 'circuit_open', Next: s.open },
        ],
        Default: s.skipped,
      },
      [s.start]: {
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
      },
      [s.run]: {
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
      },
      [s.done]: {
        Type: 'Pass',
        Parameters: {
          agent: name,
          status: 'ok',
          'started_at.$': '$.Payload.started_at',
          'ended_at.$': '$$.State.EnteredTime',
          out: { [`${name}.$`]: '$.result.output' },
        },
        End: true,
      },
      [s.timedOut]: ended('timeout'),
      [s.failed]: ended('error'),
      [s.skipped]: { Type: 'Pass', Parameters: { agent: name, status: 'skipped', out: {} }, End: true },
      [s.open]: { Type: 'Pass', Parameters: { agent: name, status: 'circuit_open', out: {} }, End: true },
    },
  };
}

/**
 * Generate the ASL of the fan-out workflow from a registry. `arnFor` gives the function each Task invokes
 * (CDK tokens in the construct; placeholders by default). Pure: tests check the ASL without synth.
 */
export function buildDefinition(registry: AgentRegistry, arnFor: (agent: AgentConfig) => string = placeholderArn): AslObject {
  validateRegistry(registry);
  const levels = topologicalLevels(registry, graphAgents(registry));
  const levelOf = new Map<string, number>();
  levels.forEach((l, i) => l.forEach((n) => levelOf.set(n, i)));
  const outPath = (n: string): string => `$.levels.l${levelOf.get(n)}.${n}.out`;

  const states: Record<string, AslObject> = {};
  const levelName = (i: number): string => `Level ${i}`;
  levels.forEach((names, i) => {
    states[levelName(i)] = {
      Type: 'Parallel',
      Comment: `Agents with no unmet dependency at this point: ${names.join(', ')}`,
      Branches: names.map((n) => {
        const agent = registry.agents[n]!;
        const deps = [...agent.dependencies, ...agent.after].filter((d) => levelOf.has(d)).sort();
        return agentBranch(registry, n, deps.map(outPath), arnFor(agent));
      }),
      ResultSelector: Object.fromEntries(names.map((n, b) => [`${n}.$`, `$[${b}]`])),
      ResultPath: `$.levels.l${i}`,
      Next: i + 1 < levels.length ? levelName(i + 1) : 'Collect results',
    };
  });

  const allAgents = levels.flat().sort();
  states['Collect results'] = {
    Type: 'Pass',
    Comment: 'The ok outputs of every agent, for the responder (ResponderRequest.agent_results).',
    Parameters: mergedField('agent_results', allAgents.map(outPath)),
    ResultPath: '$.collected',
    Next: 'Route responder',
  };
  const levelPaths = levels.map((_, i) => `$.levels.l${i}`);
  const agentsField = mergedField('agents', levelPaths);

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
        ...agentsField,
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
    Comment: 'Polaris agent fan-out: agent graph by topological level, then the routed responder (generated from the agent registry)',
    StartAt: levels.length > 0 ? levelName(0) : 'Collect results',
    States: states,
  };
}

/** Props of {@link AgentWorkflow}. */
export interface AgentWorkflowProps {
  registry: AgentRegistry;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  /** Powertools log level of the agent functions; the state machine logs ALL for DEBUG, else ERROR. */
  logLevel: string;
  /** The state table: async agents (history) get TABLE_NAME (the stack grants access). */
  table?: dynamodb.ITable;
  /** Days a conversation is kept (STATE_RETENTION_DAYS of async agents that write the state, e.g. history). */
  stateRetentionDays?: number;
  /** Customer key for the log groups. */
  key?: kms.IKey;
  /** Extra environment for every agent function (e.g. STATE_RETENTION_DAYS). */
  environment?: Record<string, string>;
}

function pascal(name: string): string {
  return name
    .split('_')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** The agent fan-out workflow and its functions. */
export class AgentWorkflow extends Construct {
  /** Generate the ASL without synth (see {@link buildDefinition}). */
  static buildDefinition(registry: AgentRegistry, arnFor?: (agent: AgentConfig) => string): AslObject {
    return buildDefinition(registry, arnFor);
  }

  readonly stateMachine: sfn.StateMachine;
  /** Reference functions of sync/core agents and responders with a lambda target (by agent name). */
  readonly agentFunctions: Record<string, lambda.Function> = {};
  /**
   * Functions of async agents (history), invoked by the orchestrator with InvocationType Event: the reference
   * function, or the HTTP invoker when the agent has an http target. (An async agent with a team
   * `function_arn` is not listed: invoke that ARN directly.)
   */
  readonly asyncAgentFunctions: Record<string, lambda.Function> = {};
  /** The shared HTTP agent invoker, when any agent has an http target. */
  readonly httpAgentFunction?: lambda.Function;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AgentWorkflowProps) {
    super(scope, id);
    const { registry } = props;
    validateRegistry(registry);
    const common = { logRetention: props.logRetention, removalPolicy: props.removalPolicy, logLevel: props.logLevel, logKey: props.key };
    // Only what differs from the bundled default registry: a function's environment is capped at 4 KB.
    const registryJson = JSON.stringify(registryOverrideFrom(defaultRegistry(), registry));

    for (const agent of Object.values(registry.agents)) {
      if (agent.target.type !== 'lambda' || agent.target.function_arn) continue;
      const profile = registry.timeouts[agent.timeout]!;
      const isAsync = agent.type === 'async';
      const fn = new OrchestratorFunction(this, `Agent${pascal(agent.name)}`, {
        ...common,
        entry: 'functions/agent/handler.ts',
        description: `Reference ${agent.role} "${agent.name}" (${agent.type})`,
        serviceName: `agent-${agent.name}`,
        memorySize: 256,
        // Sync agents are cut by the Task timeout anyway; keep the function bound close to it.
        timeout: Duration.seconds(isAsync ? 60 : Math.min(30, Math.max(3, Math.ceil(profile.read)))),
        environment: {
          AGENT_NAME: agent.name,
          ...(isAsync && props.table ? { TABLE_NAME: props.table.tableName } : {}),
          ...(isAsync && props.stateRetentionDays ? { STATE_RETENTION_DAYS: String(props.stateRetentionDays) } : {}),
          ...props.environment,
        },
      }).fn;
      (isAsync ? this.asyncAgentFunctions : this.agentFunctions)[agent.name] = fn;
    }

    const httpAgents = Object.values(registry.agents).filter((a) => a.target.type === 'http');
    if (httpAgents.length > 0) {
      this.httpAgentFunction = new OrchestratorFunction(this, 'HttpAgentInvoker', {
        ...common,
        entry: 'functions/http-agent/handler.ts',
        description: `Calls HTTP agents (${httpAgents.map((a) => a.name).join(', ')}) with pooled keep-alive, per-service timeouts and the seed's retry rules`,
        serviceName: 'http-agent',
        memorySize: 256,
        timeout: Duration.seconds(30),
        environment: { AGENT_REGISTRY: registryJson, ...props.environment },
      }).fn;
    }

    // An async agent served over HTTP is invoked (InvocationType Event) through the same invoker.
    for (const a of httpAgents) if (a.type === 'async') this.asyncAgentFunctions[a.name] = this.httpAgentFunction!;

    const arnFor = (agent: AgentConfig): string => {
      if (agent.target.type === 'http') return this.httpAgentFunction!.functionArn;
      if (agent.target.function_arn) return agent.target.function_arn;
      return this.agentFunctions[agent.name]!.functionArn;
    };
    const definition = buildDefinition(registry, arnFor);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-agent-fanout`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
      encryptionKey: props.key,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromString(Stack.of(this).toJsonString(definition)),
      comment: 'Agent fan-out of one conversation turn (generated from the agent registry)',
      tracingEnabled: true,
      // Execution data is health data: never in the logs, whatever the level.
      logs: {
        destination: this.logGroup,
        level: props.logLevel === 'DEBUG' ? sfn.LogLevel.ALL : sfn.LogLevel.ERROR,
        includeExecutionData: false,
      },
      timeout: Duration.seconds(60),
    });

    // Least privilege: invoke exactly the functions the definition names (unqualified ARNs, no `:*`).
    const invoked = new Set<string>();
    for (const name of [...graphAgents(registry), ...RESPONDERS]) {
      const agent = registry.agents[name];
      if (agent) invoked.add(arnFor(agent));
    }
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [...invoked] }),
    );
  }
}
