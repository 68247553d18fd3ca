/**
 * AgentWorkflow: the agent fan-out as a Step Functions EXPRESS state machine whose ASL is GENERATED from
 * the agent registry (config/agents.json + overrides), plus the Lambdas it invokes: one reference agent
 * function per lambda-target agent/responder (functions/agent/handler.ts, env AGENT_NAME) and one shared
 * HTTP invoker (functions/http-agent/handler.ts) for http targets.
 *
 * The ASL itself is generated in lib/fanout-definition.ts (nested sequences and Parallel branches from the
 * dependency graph, so each agent starts when its own dependencies finish). A graph that is not
 * series-parallel still synthesizes; the waits it adds and its bound are reported as a synth warning.
 */
import { Annotations, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  defaultRegistry,
  graphAgents,
  registryOverrideFrom,
  RESPONDERS,
  validateRegistry,
  type AgentConfig,
  type AgentRegistry,
} from '../../functions/core/agent-graph.js';
import { buildDefinition, fanoutPlan, type AslObject } from '../fanout-definition.js';
import { OrchestratorFunction } from './function.js';

export {
  buildDefinition,
  fanoutPlan,
  placeholderArn,
  TIMEOUT_ERRORS,
  TRANSIENT_LAMBDA_ERRORS,
  type AslObject,
} from '../fanout-definition.js';

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
        // Async agents write the conversation store: their own bundle keeps DynamoDB out of the sync agents'.
        entry: isAsync ? 'functions/agent/async-handler.ts' : 'functions/agent/handler.ts',
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
    const { bound } = fanoutPlan(registry);
    if (!bound.exact) {
      Annotations.of(this).addWarningV2(
        'polaris:agent-graph-not-series-parallel',
        `The agent graph is not series-parallel: the workflow adds waits ${bound.extra_waits.map(([a, b]) => `${a} after ${b}`).join(', ')} ` +
          `(at most ${bound.extra_waits_on_a_chain} on one chain), so the agent phase is at most ${bound.critical_path_factor}× the critical path.`,
      );
    }

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
