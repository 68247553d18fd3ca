/**
 * Pieces of the turn-queue suites: "containers" (each its own DynamoDB client, warm cache, store, queue,
 * idempotency store and handler) on one dynalite table, API Gateway events with a request time and id, a
 * gate to hold a turn's fan-out open, and fault injection on a container's client (a crash after a chosen
 * request: that request lands, then the container answers nothing more, as with kill -9).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newDocumentClient, type DynaliteHandle } from '../../support/dynalite.js';
import { FakeFanout, RecordingDispatcher } from '../../support/fakes.js';
import { DynamoConversationStore } from '../../../functions/adapters/dynamo-store.js';
import { DEFAULT_TENANT, SK, conversationPk } from '../../../functions/adapters/keys.js';
import { DynamoIdempotencyStore } from '../../../functions/adapters/idempotency.js';
import { DynamoTurnQueue } from '../../../functions/adapters/turn-queue.js';
import { WarmCache } from '../../../functions/adapters/warm-cache.js';
import { ACCEPTED_DETECTED_AGENTS } from '../../../functions/core/routing.js';
import { listPlanIds, PlanCatalogCheckpointSource } from '../../../functions/core/plans.js';
import { createOrchestrateHandler } from '../../../functions/orchestrate/app.js';
import type { AgentFanout, Clock } from '../../../functions/core/ports.js';

const systemClock: Clock = { now: () => Date.now() };
export const context = { awsRequestId: 'req', functionName: 'orchestrate', getRemainingTimeInMillis: () => 25_000 } as Context;

/** A promise a test opens when it wants. */
export class Gate {
  private open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.open = resolve));
  release(): void {
    this.open();
  }
}

/** Crash injection on one client: `crashAfter(op, input)` true → that request lands, then everything fails. */
export interface Faults {
  crashAfter?: (operation: string, input: Record<string, unknown>) => boolean;
  failOnly?: (operation: string, input: Record<string, unknown>) => boolean;
  dead: boolean;
}

export function injectFaults(client: DynamoDBDocumentClient): Faults {
  const faults: Faults = { dead: false };
  const killed = () => Object.assign(new Error('the container was killed'), { name: 'ContainerKilled' });
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      if (faults.dead) throw killed();
      const op = String(ctx.commandName).replace(/Command$/, '');
      const input = args.input as Record<string, unknown>;
      if (faults.failOnly?.(op, input)) throw Object.assign(new Error('injected failure'), { name: 'ValidationException' });
      const out = await next(args);
      if (faults.crashAfter?.(op, input)) {
        faults.dead = true;
        throw killed();
      }
      return out;
    },
    { step: 'initialize', name: `faults${Math.random()}`, priority: 'high' },
  );
  return faults;
}

export interface ContainerOptions {
  /** Before the fan-out of each turn (e.g. wait on a gate); default a few random ms so turns overlap. */
  beforeFanout?: (callLogId: string) => Promise<void>;
  leaseMs?: number;
  inProgressSeconds?: number;
  multitaskStrategy?: 'enqueue' | 'reject';
  turnBudgetMs?: number;
  /** The container's clock (leases, idempotency times, budgets); default the system clock. */
  clock?: Clock;
}

/** A clock a test can move forward (the time every container sees), without waiting. */
export class ShiftedClock implements Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
}

/** One Lambda container: its own client, warm cache, store, queue, idempotency and handler. */
export function container(db: DynaliteHandle, options: ContainerOptions = {}) {
  const clock = options.clock ?? systemClock;
  const client = newDocumentClient(db.endpoint);
  const faults = injectFaults(client);
  const store = new DynamoConversationStore({ client, tableName: db.tableName, cache: new WarmCache(), retentionDays: 30, clock, sleep: async () => undefined });
  const queue = new DynamoTurnQueue({ client, tableName: db.tableName, clock, leaseMs: options.leaseMs ?? 30_000 });
  const fanout = new FakeFanout();
  const run = fanout.run.bind(fanout);
  fanout.run = async (args) => {
    if (options.beforeFanout) await options.beforeFanout(args.input.call_log_id);
    else await new Promise((r) => setTimeout(r, Math.random() * 8));
    return run(args);
  };
  const idempotency = new DynamoIdempotencyStore({ client, tableName: db.tableName, clock, inProgressSeconds: options.inProgressSeconds ?? 60 });
  const handler = createOrchestrateHandler({
    store,
    fanout: fanout as AgentFanout,
    dispatcher: new RecordingDispatcher(),
    checkpoints: new PlanCatalogCheckpointSource(),
    clock,
    config: { storeTurnText: false, turnBudgetMs: options.turnBudgetMs ?? 25_000, queueRunReserveMs: 1_000 },
    idempotency,
    queue,
    ...(options.multitaskStrategy ? { multitaskStrategy: options.multitaskStrategy } : {}),
    accepted: { plans: listPlanIds(), services: ['privacy', 'nutrition', 'followup', 'medication'], detectedAgents: ACCEPTED_DETECTED_AGENTS },
    maxBodyBytes: 64 * 1024,
  });
  return { handler, fanout, store, queue, client, faults };
}

export type Container = ReturnType<typeof container>;

export function query(conversationId: string, callLogId: string, text = 'hello') {
  return {
    text,
    conversation_id: conversationId,
    plan: listPlanIds()[0]!,
    services: ['followup'],
    individual_id: 'ind-1',
    user_profile_id: 'prof-1',
    detected_agent: 'general',
    agent_instance_id: 'inst-1',
    call_log_id: callLogId,
  };
}

/** A POST /orchestrate event as API Gateway sends it: request time and id in the request context. */
export function post(
  body: Record<string, unknown>,
  arrival: { at: number; requestId: string },
  headers: Record<string, string> = {},
): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: '/orchestrate',
    resource: '/orchestrate',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
    multiValueHeaders: {},
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId: arrival.requestId, requestTimeEpoch: arrival.at } as APIGatewayProxyEvent['requestContext'],
  };
}

export const headerOf = (res: APIGatewayProxyResult, name: string) =>
  Object.entries(res.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

export async function turnLog(db: DynaliteHandle, conversationId: string): Promise<Array<Record<string, unknown>>> {
  const out = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
      ExpressionAttributeValues: { ':pk': conversationPk(DEFAULT_TENANT, conversationId), ':t': 'TURN#' },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

export async function item(db: DynaliteHandle, conversationId: string, sk: string = SK.state): Promise<Record<string, unknown> | undefined> {
  const out = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: { pk: conversationPk(DEFAULT_TENANT, conversationId), sk }, ConsistentRead: true }),
  );
  return out.Item;
}

/** Resolves once `predicate` holds (polled), or throws after `ms`. */
export async function until(predicate: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
