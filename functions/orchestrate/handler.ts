/**
 * orchestrate Lambda entry: wires the AWS adapters into the HTTP app once per container (cold start) —
 * DynamoDB store with the warm cache, Step Functions fan-out with shared circuit breakers, Lambda async
 * dispatch, checkpoint source (plan catalog, or CHECKPOINT_URL with the catalog as fallback), idempotency.
 * Endpoints come only from the SDK's standard AWS_ENDPOINT_URL_* settings, so the same bundle runs
 * in AWS and in the local stack.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeEscalationPublisher } from '../adapters/escalation-publisher.js';
import { listPlanIds, PlanCatalogCheckpointSource } from '../core/plans.js';
import { ACCEPTED_DETECTED_AGENTS } from '../core/routing.js';
import { loadRegistry, selectableServices } from '../core/agent-graph.js';
import type { CheckpointSource } from '../core/ports.js';
import {
  getConversationStore,
  getDocumentClient,
  getEvaluationCache,
  getIdempotencyStore,
  getTurnQueue,
  getWarmCacheStats,
} from '../adapters/conversation-store.js';
import { MULTITASK_STRATEGIES, type MultitaskStrategy } from '../core/ports.js';
import { flattenCacheStats } from '../adapters/warm-cache.js';
import { LambdaAsyncDispatcher } from '../adapters/async-dispatcher.js';
import { FallbackCheckpointSource, HttpCheckpointService } from '../adapters/checkpoint-service.js';
import { createFanoutFromEnv } from '../adapters/fanout.js';
import { createSfnClient } from '../adapters/sfn-client.js';
import { TenantClients, tenantScopingMode } from '../adapters/tenant-client.js';
import { DynamoConversationBrowser } from '../adapters/conversation-browser.js';
import { createOrchestrateHandler } from './app.js';
import { getIndividualMemory } from '../adapters/memory-wiring.js';
import { setSafetyRegion } from '../core/safety/engine.js';
import { authModeFromEnv, createAccessControl } from './tenancy.js';

/** A required setting is missing; names it (fails the cold start loudly rather than a turn quietly). */
export class MissingSettingError extends Error {
  override readonly name = 'MissingSettingError';
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new MissingSettingError(`environment variable ${name} is required`);
  return v;
}

/** MULTITASK_STRATEGY (CDK context `multitaskStrategy`): the default for requests that name none. */
function multitaskStrategy(): MultitaskStrategy {
  const v = process.env.MULTITASK_STRATEGY ?? 'enqueue';
  if (!(MULTITASK_STRATEGIES as readonly string[]).includes(v)) {
    throw new MissingSettingError(`environment variable MULTITASK_STRATEGY must be one of ${MULTITASK_STRATEGIES.join(', ')}, got "${v}"`);
  }
  return v as MultitaskStrategy;
}

const logger = new Logger({ serviceName: 'orchestrator' });
const metrics = new Metrics({ namespace: 'PolarisOrchestrator', serviceName: 'orchestrator' });
const tracer = new Tracer({ serviceName: 'orchestrator', captureHTTPsRequests: false });
// SDK calls appear as subsegments (ids and latencies; payloads are not captured).
const documentClient = tracer.captureAWSv3Client(getDocumentClient());
const sfn = tracer.captureAWSv3Client(createSfnClient());
const lambda = tracer.captureAWSv3Client(new LambdaClient({}));
const registry = loadRegistry();
// Crisis guidance region (config/safety/guidance.json); unknown or unset → the file's default (US).
setSafetyRegion(process.env.SAFETY_REGION);
const catalog = new PlanCatalogCheckpointSource();
const checkpoints: CheckpointSource = process.env.CHECKPOINT_URL
  ? new FallbackCheckpointSource(new HttpCheckpointService(process.env.CHECKPOINT_URL), catalog, (err) =>
      logger.warn('checkpoint service failed; using the plan catalog', { error: err instanceof Error ? err.name : 'unknown' }),
    )
  : catalog;

const dispatcher = new LambdaAsyncDispatcher({
  client: lambda,
  checkpointGeneratorFunction: required('CHECKPOINT_GENERATOR_FUNCTION'),
  asyncAgentFunctions: JSON.parse(process.env.ASYNC_AGENT_FUNCTIONS ?? '{}') as Record<string, string>,
  ...(process.env.MEMORY_WRITER_FUNCTION ? { memoryWriterFunction: process.env.MEMORY_WRITER_FUNCTION } : {}),
});
// Who may call, and each caller's tenant-scoped stores (tenancy.ts); breakers stay on the shared client.
const access = createAccessControl({
  mode: authModeFromEnv(),
  tenants: process.env.TENANTS ?? '{}',
  clients: new TenantClients({
    mode: tenantScopingMode(),
    shared: () => documentClient,
    roleArn: process.env.TENANT_ROLE_ARN,
    decorate: (c) => tracer.captureAWSv3Client(c),
  }),
  dispatcher,
  clock: { now: () => Date.now() },
  ...(process.env.MEMORY_WRITER_FUNCTION
    ? { memoryFor: (tenant: string) => getIndividualMemory(tenant, (operation, error) => logger.warn('memory service failed; DynamoDB used', { operation, error: error instanceof Error ? error.name : 'unknown' })) }
    : {}),
});

export const handler = createOrchestrateHandler({
  access,
  store: getConversationStore(),
  fanout: createFanoutFromEnv({ registry, documentClient, client: sfn }),
  dispatcher,
  // Individual memory (issue #16): read at a conversation's start, written by the memory writer.
  ...(process.env.MEMORY_WRITER_FUNCTION
    ? { memory: getIndividualMemory(undefined, (operation, error) => logger.warn('memory service failed; DynamoDB used', { operation, error: error instanceof Error ? error.name : 'unknown' })) }
    : {}),
  checkpoints,
  clock: { now: () => Date.now() },
  config: {
    storeTurnText: process.env.STORE_TURN_TEXT === 'true',
    turnBudgetMs: Number(process.env.TURN_BUDGET_MS ?? 27_000),
    queueRunReserveMs: Number(process.env.QUEUE_RUN_RESERVE_MS ?? 3_000),
  },
  queue: getTurnQueue(),
  multitaskStrategy: multitaskStrategy(),
  evaluationCache: getEvaluationCache(),
  selectableServices: selectableServices(registry),
  idempotency: getIdempotencyStore(),
  accepted: { plans: listPlanIds(), services: selectableServices(registry), detectedAgents: ACCEPTED_DETECTED_AGENTS },
  maxBodyBytes: Number(process.env.MAX_BODY_BYTES ?? 65_536),
  corsOrigins: (process.env.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  log: { warn: (message, fields) => logger.warn(message, fields) },
  // Care-team hand-off: HumanEscalationRequested events on the escalation bus (ids, category, severity, times).
  ...(process.env.ESCALATION_BUS_NAME
    ? {
        escalations: new EventBridgeEscalationPublisher({
          busName: process.env.ESCALATION_BUS_NAME,
          client: tracer.captureAWSv3Client(new EventBridgeClient({})),
          onFailure: ({ attempts, error }) => {
            metrics.addMetric('EscalationPublishFailed', MetricUnit.Count, 1);
            logger.error('escalation event not published after retries', { attempts, error });
          },
        }),
      }
    : {}),
  logger,
  metrics,
  tracer,
  healthDetails: () => ({ cache: getWarmCacheStats() }),
  cacheStats: () => flattenCacheStats(getWarmCacheStats()),
  browser: new DynamoConversationBrowser({ client: documentClient, tableName: required('TABLE_NAME') }),
});
