/**
 * The orchestrate function's HTTP application, built from injected dependencies so the same code runs
 * in Lambda (handler.ts wires the AWS adapters), in the local stack, and in tests with fakes.
 *
 *   POST /orchestrate                 a turn: size limit → JSON → schema → idempotency → engine → reply
 *   GET  /health                      seed-compatible liveness
 *   GET  /conversations/{id}          operator inspection
 *   POST /conversations/{id}/resume   operator resume of a paused conversation
 *   GET  /conversations               operator list (newest first)      ┐ browse.ts
 *   GET  /conversations/{id}/turns    operator turn log (waterfalls)   ┘
 *   GET  /openapi.json                the API's OpenAPI document (openapi-route.ts)
 *
 * Middleware (Powertools logger/metrics/tracer) first, the route last; errors are mapped to HTTP answers
 * in one place. Only ids, statuses and timings are logged — never the user's text.
 */
import { createHash } from 'node:crypto';
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { parseJsonBody, parseOrchestratorQuery, parseResumeRequest, type AcceptedValues } from '../contracts/api.js';
import { DomainError, RequestValidationError } from '../core/errors.js';
import { MULTITASK_STRATEGIES, StoreUnavailableError, type MultitaskStrategy } from '../core/ports.js';
import type { IdempotencyStore, StoredHttpResponse } from '../adapters/idempotency.js';
import { orchestrateTurn, type TurnDeps } from './turn.js';
import { AlreadyCommittedError, type TurnArrival } from './turn-lease.js';
import { preparer, replayed, resolvePrepared } from './exactly-once.js';
import { inspectConversation, resumeConversation } from './operator.js';
import { publishAgentMetrics, withRequestId } from './observability.js';
import { bodyText, header, json, problem, type HttpResult } from './http.js';
import { listConversationsRoute, turnLogRoute } from './browse.js';
import { openApiRoute } from './openapi-route.js';
import type { ConversationBrowser } from '../core/browse-ports.js';
import { enterRoute, type AccessControl, type TenantScope } from './access.js';
import { eraseIndividualRoute, listAuditRoute } from './access-routes.js';
import type { Caller } from './identity.js';

// The package version, defined at bundle time from package.json (lib/constructs/function.ts); 'dev' unbundled.
declare const __POLARIS_VERSION__: string | undefined;
export const SERVICE_VERSION: string = typeof __POLARIS_VERSION__ === 'string' ? __POLARIS_VERSION__ : 'dev';
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

export interface OrchestrateDeps extends TurnDeps, Omit<TenantScope, 'store' | 'dispatcher'> {
  /**
   * Authentication and the caller's tenant-scoped dependencies (access.ts). Absent only in in-process
   * wiring (unit tests): every caller is then the default tenant's operator.
   */
  access?: AccessControl;
  /** Plans, services and detected agents a request may name (plan catalog + agent registry). */
  accepted: AcceptedValues;
  /** Largest accepted request body in bytes (413 above). */
  maxBodyBytes: number;
  idempotency?: IdempotencyStore;
  /** Allowed CORS origins; empty = no CORS headers. */
  corsOrigins?: string[];
  logger?: Logger;
  metrics?: Metrics;
  /** X-Ray segment per invocation (off locally with POWERTOOLS_TRACE_ENABLED=false). */
  tracer?: Tracer;
  /** Extra fields for GET /health/details (operators only; e.g. cache statistics). */
  healthDetails?: () => Record<string, unknown>;
  /** Warm-cache counters (hits, misses, evictions per kind) logged with every turn. */
  cacheStats?: () => Record<string, number>;
  /** Operator list and turn log (GET /conversations, GET /conversations/{id}/turns). */
  browser?: ConversationBrowser;
  /** Strategy for overlapping turns when a request names none (`X-Multitask-Strategy`). Default `enqueue`. */
  multitaskStrategy?: MultitaskStrategy;
}

const STRATEGY_HEADER = 'X-Multitask-Strategy';

/** The queue's ticket facts: API Gateway's request time and id (ties of the time are broken by the id). */
function arrivalOf(event: APIGatewayProxyEvent, started: number, strategy: MultitaskStrategy): TurnArrival {
  const ctx = event.requestContext as Partial<APIGatewayProxyEvent['requestContext']> | undefined;
  const at = typeof ctx?.requestTimeEpoch === 'number' && Number.isFinite(ctx.requestTimeEpoch) ? ctx.requestTimeEpoch : started;
  return { at, requestId: ctx?.requestId ?? `local-${started}-${Math.random().toString(36).slice(2)}`, strategy };
}

type Route = (event: APIGatewayProxyEvent, deps: OrchestrateDeps, log: Logger, metrics: Metrics, caller: Caller) => Promise<HttpResult>;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

const turnRoute: Route = async (event, deps, log, metrics) => {
  const started = deps.clock.now();
  const raw = bodyText(event);
  if (raw !== null && Buffer.byteLength(raw, 'utf8') > deps.maxBodyBytes) {
    return problem(413, 'request body too large', '(body)', `must be at most ${deps.maxBodyBytes} bytes`);
  }
  const body = parseJsonBody(raw);
  if (!body.ok) return json(400, body.error);
  const parsed = parseOrchestratorQuery(body.value, deps.accepted);
  if (!parsed.ok) return json(400, parsed.error);
  const query = parsed.value;
  log.appendKeys({ conversation_id: query.conversation_id, call_log_id: query.call_log_id });

  const strategyHeader = header(event, STRATEGY_HEADER)?.trim().toLowerCase();
  if (strategyHeader !== undefined && !(MULTITASK_STRATEGIES as readonly string[]).includes(strategyHeader)) {
    return problem(400, 'invalid request', STRATEGY_HEADER, `must be one of ${MULTITASK_STRATEGIES.join(', ')}`);
  }
  const arrival = arrivalOf(event, started, (strategyHeader as MultitaskStrategy | undefined) ?? deps.multitaskStrategy ?? 'enqueue');

  const key = header(event, 'Idempotency-Key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    return problem(400, 'invalid request', 'Idempotency-Key', 'must be 1-128 characters of letters, digits, . _ : -');
  }
  const idem = key !== undefined ? deps.idempotency : undefined;
  let owner: string | undefined;
  let prior: { turn: number; response: StoredHttpResponse } | undefined;
  if (idem && key) {
    const hash = createHash('sha256').update(JSON.stringify(canonical(query))).digest('hex');
    // Indexed before the record exists, so erasure of the individual finds it (access layer).
    await deps.individualIndex?.noteIdempotency(query.individual_id, key);
    const begun = await idem.begin(key, hash);
    if (begun.kind === 'replay') return replayed(begun.response, metrics);
    if (begun.kind === 'prepared') {
      const decided = await resolvePrepared(deps.store, idem, key, hash, begun, metrics);
      if (decided.kind === 'answer') return decided.result;
      owner = decided.owner;
      prior = { turn: begun.turn, response: begun.response };
    }
    if (begun.kind === 'new') owner = begun.owner;
    if (begun.kind === 'mismatch') {
      return problem(422, 'idempotency key reused', 'Idempotency-Key', 'this key was already used with a different request body');
    }
    if (begun.kind === 'in_flight') {
      return problem(409, 'request in progress', 'Idempotency-Key', 'a request with this key is still being processed; retry later', { 'retry-after': '1' });
    }
  }

  let result: HttpResult;
  try {
    const prepare = idem && key && owner !== undefined ? preparer(idem, key, owner, query.conversation_id) : undefined;
    const outcome = await orchestrateTurn(deps, query, {
      requestStartedAt: started,
      idempotencyKey: key,
      arrival,
      ...(prior ? { priorAttempt: { turn: prior.turn } } : {}),
      ...(prepare ? { prepare } : {}),
    });
    result = json(200, outcome.response, { 'server-timing': outcome.serverTiming });
    const r = outcome.response;
    metrics.addMetric('TurnLatency', MetricUnit.Milliseconds, deps.clock.now() - started);
    if (r.requires_human) metrics.addMetric('HumanEscalation', MetricUnit.Count, 1);
    const failed = Object.values(r.sync_agent_results)
      .flat()
      .filter((a) => a.status === 'error' || a.status === 'timeout').length;
    if (failed) metrics.addMetric('AgentFailures', MetricUnit.Count, failed);
    if (outcome.queue) {
      metrics.addMetric('QueueWait', MetricUnit.Milliseconds, outcome.queue.waitedMs);
      if (outcome.queue.ahead > 0) metrics.addMetric('TurnsQueued', MetricUnit.Count, 1);
    }
    // A committed turn whose TURN item is missing, until a later commit repairs it from the state's record.
    if (outcome.turnLog && !outcome.turnLog.logged) metrics.addMetric('TurnLogGap', MetricUnit.Count, 1);
    if (outcome.turnLog?.repairedTurn !== undefined) {
      metrics.addMetric('TurnLogGapRepaired', MetricUnit.Count, 1);
      log.warn('turn log gap repaired', { turn: outcome.turnLog.repairedTurn });
    }
    publishAgentMetrics(metrics, r.sync_agent_results);
    log.info('turn committed', {
      requires_human: r.requires_human,
      is_paused: r.is_paused,
      agents: Object.fromEntries(Object.entries(r.sync_agent_results).map(([n, rs]) => [n, rs.map((x) => x.status).join(',')])),
      timing_metrics: r.timing_metrics,
      turn: outcome.turn,
      ...(outcome.queue ? { queue: outcome.queue, strategy: arrival.strategy } : {}),
      ...(deps.cacheStats ? { cache: deps.cacheStats() } : {}),
    });
  } catch (err) {
    if (err instanceof AlreadyCommittedError && prior && idem && key) {
      // A resend of a turn that is committed after all: its stored answer, nothing applied twice.
      await idem.complete(key, prior.response).catch(() => undefined);
      return replayed(prior.response, metrics);
    }
    if (idem && key) await idem.abandon(key, owner).catch(() => undefined);
    throw err;
  }
  if (idem && key) {
    const stored: StoredHttpResponse = { statusCode: result.statusCode, headers: result.headers, body: result.body };
    await idem.complete(key, stored).catch((err: unknown) => log.warn('idempotency record not completed', { error: (err as Error).name }));
  }
  return result;
};

// Public: status, service and version only; anything more is GET /health/details, for operators.
const healthRoute: Route = async () => json(200, { status: 'healthy', service: 'orchestrator', version: SERVICE_VERSION });

const healthDetailsRoute: Route = async (_event, deps) =>
  json(200, { status: 'healthy', service: 'orchestrator', version: SERVICE_VERSION, ...(deps.healthDetails?.() ?? {}) });

const inspectRoute: Route = async (event, deps) => {
  const id = event.pathParameters?.id ?? '';
  return json(200, await inspectConversation(deps, id));
};

const resumeRoute: Route = async (event, deps, log, _metrics, caller) => {
  const id = event.pathParameters?.id ?? '';
  const raw = bodyText(event);
  const body = parseJsonBody(raw ?? '{}');
  if (!body.ok) return json(400, body.error);
  const parsed = parseResumeRequest(body.value);
  if (!parsed.ok) return json(400, parsed.error);
  const by = caller.principal;
  const result = await resumeConversation(deps, id, { by, reason: parsed.value.reason });
  log.info('conversation resumed', { conversation_id: id, operator: by });
  return json(200, result);
};

const ROUTES: Record<string, Route> = {
  'POST /orchestrate': turnRoute,
  'GET /health': healthRoute,
  'GET /conversations/{id}': inspectRoute,
  'POST /conversations/{id}/resume': resumeRoute,
  'GET /conversations': (event, deps, _log, _metrics, caller) => listConversationsRoute(event, deps, caller.tenant),
  'GET /conversations/{id}/turns': (event, deps, _log, _metrics, caller) => turnLogRoute(event, deps, caller.tenant),
  'GET /openapi.json': async () => openApiRoute(),
  'GET /health/details': healthDetailsRoute,
  'DELETE /individuals/{individual_id}': (event, deps) => eraseIndividualRoute(event, deps),
  'GET /audit': (event, deps) => listAuditRoute(event, deps),
};

/** The routes this function serves (`"GET /health"`, …): the OpenAPI test checks the document lists exactly these. */
export const ROUTE_KEYS: readonly string[] = Object.keys(ROUTES);

/** Maps any error to an answer: typed errors by their status; anything else is a 500 with no detail. */
export function errorToResponse(err: unknown, requestId: string, log: Logger): HttpResult {
  if (err instanceof RequestValidationError) return json(400, err.body);
  if (err instanceof StoreUnavailableError) {
    log.error('state store unavailable', { error: err.name });
    return json(503, { error: 'service temporarily unavailable', request_id: requestId }, { 'retry-after': String(err.retryAfterSeconds) });
  }
  if (err instanceof DomainError) {
    const retry: Record<string, string> =
      'retryAfterSeconds' in err ? { 'retry-after': String((err as { retryAfterSeconds: number }).retryAfterSeconds) } : {};
    if (err.expose) return json(err.statusCode, { error: err.message, request_id: requestId }, retry);
    log.error('domain error', { error: err.name, message: err.message });
    return json(err.statusCode, { error: 'internal error', request_id: requestId });
  }
  log.error('unhandled error', { error: err instanceof Error ? err.name : 'unknown', stack: err instanceof Error ? err.stack : undefined });
  return json(500, { error: 'internal error', request_id: requestId });
}

/** Builds the API Gateway (REST v1 proxy) handler. */
export function createOrchestrateHandler(deps: OrchestrateDeps): (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult> {
  const logger = deps.logger ?? new Logger({ serviceName: 'orchestrator' });
  const metrics = deps.metrics ?? new Metrics({ namespace: 'PolarisOrchestrator', serviceName: 'orchestrator' });
  const cors = deps.corsOrigins ?? [];

  const route = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';
    // Every log line carries the API Gateway request id as correlation_id (the id of the access log line).
    // Set directly: the correlationIdPath option needs @aws-lambda-powertools/jmespath (one more bundle dependency).
    logger.setCorrelationId(requestId);
    const key = `${event.httpMethod} ${event.resource}`;
    const fn = ROUTES[key];
    let result: HttpResult;
    if (!fn) {
      const known = Object.keys(ROUTES).filter((k) => k.endsWith(` ${event.resource}`));
      result = known.length
        ? json(405, { error: `method ${event.httpMethod} not allowed on ${event.resource}`, allowed: known.map((k) => k.split(' ')[0]) })
        : json(404, { error: `no route for ${event.httpMethod} ${event.path}` });
    } else {
      try {
        const entered = await enterRoute(key, event, deps, requestId);
        if (!entered.ok) {
          result = entered.result;
        } else {
          try {
            result = await fn(event, entered.deps, logger, metrics, entered.caller);
          } catch (err) {
            result = errorToResponse(err, requestId, logger);
          }
          await entered.after(result.statusCode);
        }
      } catch (err) {
        result = errorToResponse(err, requestId, logger);
      }
    }
    result = withRequestId(result, requestId);
    result.headers['x-request-id'] = requestId;
    const origin = header(event, 'Origin');
    if (origin && cors.includes(origin)) {
      result.headers['access-control-allow-origin'] = origin;
      result.headers.vary = 'Origin';
    }
    logger.info('request', { method: event.httpMethod, resource: event.resource, status: result.statusCode });
    const klass = result.statusCode >= 500 ? '5xx' : result.statusCode >= 400 ? '4xx' : '2xx';
    metrics.addMetric(`Responses${klass}`, MetricUnit.Count, 1);
    return result;
  };

  const app = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
  // Responses are not added to the trace: they carry health data.
  if (deps.tracer) app.use(captureLambdaHandler(deps.tracer, { captureResponse: false }));
  return app.handler(route);
}
