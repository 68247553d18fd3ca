/**
 * Starts the whole system offline: DynamoDB (dynalite), the Lambda runtime and Invoke endpoint, Step
 * Functions (StartSyncExecution on the template's ASL) and the API Gateway front — and stops it all.
 */
import * as path from 'node:path';
import { loadTemplate, type LocalTemplate } from './template.js';
import { LocalLambdaRuntime } from './lambda-runtime.js';
import { startLocalDynamo, type LocalDynamo } from './dynamodb.js';
import { startLocalSfn, type ExecutionRecord, type LocalSfn } from './sfn-server.js';
import { startLocalLambda, type DeadLetter, type LocalLambda } from './lambda-server.js';
import { startLocalApi, type LocalApi } from './apigw-server.js';
import { frontDoorSite } from './front-door.js';
import { startLocalEventBridge, type LocalEvent, type LocalEventBridge } from './eventbridge.js';
import { localizeAccess } from './access.js';

export interface LocalStackOptions {
  templatePath: string;
  host?: string;
  /** API port (default 3000; 0 = any free port). */
  apiPort?: number;
  /** Ports of the emulated services (default: free ports). */
  dynamoPort?: number;
  sfnPort?: number;
  lambdaPort?: number;
  /** Keep DynamoDB data and dead letters under this folder between runs. */
  dataDir?: string;
  /** Swallow the functions' logs (tests). */
  silent?: boolean;
  /** Containers (worker threads) per function, each with its own warm cache (default 1). */
  workers?: number;
  /** Extra environment for every function (e.g. an agent replaced by an HTTP service). */
  extraEnv?: Record<string, string>;
  onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
  onExecution?: (record: ExecutionRecord) => void;
  onDeadLetter?: (record: DeadLetter) => void;
  /** Every event put on the local EventBridge (escalation hand-offs). */
  onEvent?: (event: LocalEvent) => void;
}

export interface LocalStack {
  apiUrl: string;
  dynamo: LocalDynamo;
  sfn: LocalSfn;
  lambda: LocalLambda;
  api: LocalApi;
  runtime: LocalLambdaRuntime;
  /** Local EventBridge sink: escalation events (`events`), injectable failures. */
  eventBridge: LocalEventBridge;
  template: LocalTemplate;
  tableName: string;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const template = loadTemplate(options.templatePath);
  // No STS offline: tenant scoping is emulated in-process; auth=jwt verifies against the local key pair.
  localizeAccess(template);
  const host = options.host ?? '127.0.0.1';
  const tableName = template.tables[0];
  if (!tableName) throw new Error(`no DynamoDB table in ${options.templatePath}`);
  const stopped: Array<() => Promise<void>> = [];
  try {
    const dynamo = await startLocalDynamo({ host, port: options.dynamoPort, tables: template.tables, dataDir: options.dataDir && path.join(options.dataDir, 'dynamodb') });
    stopped.push(() => dynamo.stop());
    // The endpoints are known only after the servers listen; the runtime reads baseEnv lazily at first invoke.
    const baseEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_DEV: 'false',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
      ...options.extraEnv,
    };
    const runtime = new LocalLambdaRuntime({ functions: template.functions, baseEnv, silent: options.silent, workers: options.workers });
    stopped.push(() => runtime.stop());
    const sfn = await startLocalSfn({ host, port: options.sfnPort, stateMachines: template.stateMachines, runtime, onExecution: options.onExecution });
    stopped.push(() => sfn.stop());
    const lambda = await startLocalLambda({ host, port: options.lambdaPort, runtime, dataDir: options.dataDir, onDeadLetter: options.onDeadLetter });
    stopped.push(() => lambda.stop());
    baseEnv.AWS_ENDPOINT_URL_SFN = sfn.endpoint;
    baseEnv.AWS_ENDPOINT_URL_LAMBDA = lambda.endpoint;
    const eventBridge = await startLocalEventBridge({ host, onEvent: options.onEvent });
    stopped.push(() => eventBridge.stop());
    baseEnv.AWS_ENDPOINT_URL_EVENTBRIDGE = eventBridge.endpoint;
    const api = await startLocalApi({ host, port: options.apiPort ?? 3000, routes: template.routes, stage: template.stage, runtime, onRequest: options.onRequest, site: frontDoorSite() });
    stopped.push(() => api.stop());
    return {
      apiUrl: api.url,
      dynamo,
      sfn,
      lambda,
      api,
      runtime,
      eventBridge,
      template,
      tableName,
      stop: async () => {
        for (const stop of stopped.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const stop of stopped.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}
