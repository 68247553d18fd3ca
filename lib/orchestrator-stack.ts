/**
 * OrchestratorStack: the whole service in one stack, one construct per concern —
 * state table, agent fan-out workflow (with the reference agents), async workers (+ DLQ),
 * the orchestrate function, the REST API, and alarms.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { loadConfig, type OrchestratorConfig } from './config.js';
import { StateTable } from './constructs/state-table.js';
import { OrchestratorApi } from './constructs/api.js';
import { AsyncWorkers } from './constructs/async-workers.js';
import { OrchestratorFunction, PROJECT_ROOT } from './constructs/function.js';
import { OrchestratorAlarms } from './constructs/alarms.js';
import { AgentWorkflow } from './constructs/agent-workflow.js';
import { defaultRegistry, loadRegistry, registryOverrideFrom } from '../functions/core/agent-graph.js';

/** API Gateway REST integrations time out at 29 s: the turn must answer before that. */
export const TURN_BUDGET_MS = 27_000;

export class OrchestratorStack extends Stack {
  readonly config: OrchestratorConfig;
  readonly key?: kms.Key;
  readonly stateTable: StateTable;
  readonly workflow: AgentWorkflow;
  readonly workers: AsyncWorkers;
  readonly orchestrate: OrchestratorFunction;
  readonly http: OrchestratorApi;
  readonly alarms: OrchestratorAlarms;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const config = (this.config = loadConfig(this.node));
    const common = { logRetention: config.logRetention, removalPolicy: config.removalPolicy, logLevel: config.logLevel };

    const key = (this.key = config.customerManagedKey
      ? new kms.Key(this, 'DataKey', {
          description: 'Polaris Orchestrator: conversation state, logs and queues (health data)',
          enableKeyRotation: true,
          removalPolicy: config.removalPolicy,
        })
      : undefined);
    if (key) {
      // CloudWatch Logs must be allowed to use the key for the encrypted log groups.
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          resources: ['*'],
          conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:*` } },
        }),
      );
    }

    this.stateTable = new StateTable(this, 'State', {
      removalPolicy: config.removalPolicy,
      deletionProtection: config.deletionProtection,
      key,
      backupPlan: config.backupPlan,
    });
    const table = this.stateTable.table;

    // Context `agents`: inline JSON/object, or a file path relative to the project root.
    const registry = loadRegistry({
      context: this.node.tryGetContext('agents'),
      readFile: (p) => fs.readFileSync(path.resolve(PROJECT_ROOT, p), 'utf8'),
    });
    const workflow = (this.workflow = new AgentWorkflow(this, 'AgentFanout', { ...common, registry, table, key, stateRetentionDays: config.stateRetentionDays }));

    const workers = (this.workers = new AsyncWorkers(this, 'AsyncWorkers', {
      ...common,
      table,
      key,
      stateRetentionDays: config.stateRetentionDays,
      checkpointUrl: config.checkpointUrl,
    }));
    for (const fn of new Set(Object.values(workflow.asyncAgentFunctions))) {
      workers.useDeadLetterQueue(fn);
      // A built-in async agent (history) writes the state; the shared HTTP invoker never touches the table.
      if (fn !== workflow.httpAgentFunction) table.grantReadWriteData(fn);
    }

    const orchestrate = (this.orchestrate = new OrchestratorFunction(this, 'Orchestrate', {
      ...common,
      entry: 'functions/orchestrate/handler.ts',
      description: 'One conversation turn: state, agent fan-out, checkpoints, escalation, commit, reply',
      serviceName: 'orchestrator',
      memorySize: 1024,
      timeout: Duration.seconds(29),
      logKey: key,
      reservedConcurrentExecutions: config.orchestrateReservedConcurrency,
      environment: {
        TABLE_NAME: table.tableName,
        STATE_MACHINE_ARN: workflow.stateMachine.stateMachineArn,
        CHECKPOINT_GENERATOR_FUNCTION: workers.checkpointGenerator.fn.functionName,
        ASYNC_AGENT_FUNCTIONS: JSON.stringify(
          Object.fromEntries(Object.entries(workflow.asyncAgentFunctions).map(([n, f]) => [n, f.functionName])),
        ),
        // Only what differs from the bundled default: a function's environment is capped at 4 KB.
        AGENT_REGISTRY: JSON.stringify(registryOverrideFrom(defaultRegistry(), registry)),
        STATE_RETENTION_DAYS: String(config.stateRetentionDays),
        STORE_TURN_TEXT: String(config.storeTurnText),
        MAX_BODY_BYTES: String(config.maxBodyBytes),
        TURN_BUDGET_MS: String(TURN_BUDGET_MS),
        ...(config.corsOrigins.length > 0 ? { CORS_ORIGINS: config.corsOrigins.join(',') } : {}),
        ...(config.checkpointUrl ? { CHECKPOINT_URL: config.checkpointUrl } : {}),
      },
    }));
    table.grantReadWriteData(orchestrate.fn);
    workflow.stateMachine.grantStartSyncExecution(orchestrate.fn);
    workers.checkpointGenerator.fn.grantInvoke(orchestrate.fn);
    for (const fn of Object.values(workflow.asyncAgentFunctions)) fn.grantInvoke(orchestrate.fn);

    const api = (this.http = new OrchestratorApi(this, 'Http', {
      handler: orchestrate.fn,
      throttle: config.throttle,
      corsOrigins: config.corsOrigins,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
      logKey: key,
      stageName: config.envName,
    }));

    if (config.webAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'WebAcl', { resourceArn: api.api.deploymentStage.stageArn, webAclArn: config.webAclArn });
    }

    this.alarms = new OrchestratorAlarms(this, 'Alarms', {
      api: api.api,
      orchestrate: orchestrate.fn,
      stateMachine: workflow.stateMachine,
      deadLetterQueue: workers.deadLetterQueue,
      key,
    });

    new CfnOutput(this, 'ApiUrl', { value: api.api.url, description: 'Base URL: POST {ApiUrl}orchestrate' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: workers.deadLetterQueue.queueUrl });
  }
}
