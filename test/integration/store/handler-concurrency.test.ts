/**
 * 50 turns sent at once to one conversation through the orchestrate handler (createOrchestrateHandler),
 * spread over 5 "containers" (each its own DynamoDB client and warm cache) on one dynalite table, with the
 * engine's fakes for the fan-out and dispatcher. Afterwards: every 200 is in the turn log, turn_count equals
 * the accepted turns, every other answer is a 409 with Retry-After. Plus idempotent replay through the handler.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, newDocumentClient, type DynaliteHandle } from '../../support/dynalite.js';
import { FakeFanout, RecordingDispatcher } from '../../support/fakes.js';
import { DynamoConversationStore, conversationPk } from '../../../functions/adapters/dynamo-store.js';
import { DEFAULT_TENANT } from '../../../functions/adapters/keys.js';
import { DynamoIdempotencyStore } from '../../../functions/adapters/idempotency.js';
import { WarmCache } from '../../../functions/adapters/warm-cache.js';
import { ACCEPTED_DETECTED_AGENTS } from '../../../functions/core/routing.js';
import { listPlanIds, PlanCatalogCheckpointSource } from '../../../functions/core/plans.js';
import { createOrchestrateHandler } from '../../../functions/orchestrate/app.js';
import type { AgentFanout, Clock } from '../../../functions/core/ports.js';

const clock: Clock = { now: () => Date.now() };
const context = { awsRequestId: 'req', functionName: 'orchestrate', getRemainingTimeInMillis: () => 25_000 } as Context;

let db: DynaliteHandle;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.stop();
});

/** The engine's fake fan-out, with a little random latency so the turns really overlap. */
function slowFanout(): FakeFanout & AgentFanout {
  const fanout = new FakeFanout();
  const run = fanout.run.bind(fanout);
  fanout.run = async (args) => {
    await new Promise((r) => setTimeout(r, Math.random() * 20));
    return run(args);
  };
  return fanout;
}

/** One Lambda container: its own client, warm cache, store and handler. */
function container() {
  const client = newDocumentClient(db.endpoint);
  const store = new DynamoConversationStore({ client, tableName: db.tableName, cache: new WarmCache(), retentionDays: 30, clock });
  const fanout = slowFanout();
  const idempotency = new DynamoIdempotencyStore({ client, tableName: db.tableName, clock });
  const handler = createOrchestrateHandler({
    store,
    fanout,
    dispatcher: new RecordingDispatcher(),
    checkpoints: new PlanCatalogCheckpointSource(),
    clock,
    config: { storeTurnText: false, turnBudgetMs: 25_000 },
    idempotency,
    accepted: { plans: listPlanIds(), services: ['privacy', 'nutrition', 'followup', 'medication'], detectedAgents: ACCEPTED_DETECTED_AGENTS },
    maxBodyBytes: 64 * 1024,
  });
  return { handler, fanout, store };
}

function post(body: Record<string, unknown>, headers: Record<string, string> = {}): APIGatewayProxyEvent {
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
    requestContext: { requestId: String(body['call_log_id']) } as APIGatewayProxyEvent['requestContext'],
  };
}

const query = (conversationId: string, callLogId: string, text = 'hello') => ({
  text,
  conversation_id: conversationId,
  plan: listPlanIds()[0]!,
  services: ['followup'],
  individual_id: 'ind-1',
  user_profile_id: 'prof-1',
  detected_agent: 'general',
  agent_instance_id: 'inst-1',
  call_log_id: callLogId,
});

const headerOf = (res: APIGatewayProxyResult, name: string) =>
  Object.entries(res.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

async function turnLog(conversationId: string): Promise<Array<Record<string, unknown>>> {
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

async function stateItem(conversationId: string): Promise<Record<string, unknown>> {
  const out = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: { pk: conversationPk(DEFAULT_TENANT, conversationId), sk: 'STATE' }, ConsistentRead: true }),
  );
  return out.Item!;
}

describe('orchestrate handler on DynamoDB under concurrent turns', () => {
  it('50 turns at once to one conversation: every 200 is logged once, turn_count == accepted, the rest are 409', async () => {
    const containers = Array.from({ length: 5 }, container);
    const first = await containers[0]!.handler(post(query('hc-1', 'first')), context);
    expect(first.statusCode).toBe(200);

    const ids = Array.from({ length: 50 }, (_, i) => `call-${i}`);
    const answers = await Promise.all(ids.map((id, i) => containers[i % 5]!.handler(post(query('hc-1', id)), context)));
    const accepted = ids.filter((_, i) => answers[i]!.statusCode === 200);
    const refused = answers.filter((a) => a.statusCode !== 200);
    console.log(`handler: 50 concurrent turns → ${accepted.length} x 200, ${refused.length} x 409`);

    expect(accepted.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      expect(r.statusCode).toBe(409);
      expect(Number(headerOf(r, 'retry-after'))).toBeGreaterThanOrEqual(1);
    }
    const log = await turnLog('hc-1');
    expect(log.map((t) => t['call_log_id']).sort()).toEqual(['first', ...accepted].sort());
    expect(log.map((t) => t['turn'])).toEqual(Array.from({ length: accepted.length + 1 }, (_, i) => i + 1));
    expect((await stateItem('hc-1'))['turn_count']).toBe(accepted.length + 1);
  });

  it('an Idempotency-Key replay returns the stored answer without running agents or writing state', async () => {
    const c = container();
    const key = { 'Idempotency-Key': 'idem-hc-1' };
    const r1 = await c.handler(post(query('hc-idem', 'i-1', 'first message'), key), context);
    expect(r1.statusCode).toBe(200);
    const runs = c.fanout.runs.length;
    const before = await stateItem('hc-idem');

    const replay = await c.handler(post(query('hc-idem', 'i-1', 'first message'), key), context);
    expect(replay.statusCode).toBe(200);
    expect(replay.body).toBe(r1.body);
    expect(c.fanout.runs.length).toBe(runs);
    expect((await stateItem('hc-idem'))['version']).toBe(before['version']);
    expect(await turnLog('hc-idem')).toHaveLength(1);

    const mismatch = await c.handler(post(query('hc-idem', 'i-1', 'another message'), key), context);
    expect(mismatch.statusCode).toBe(422);

    // A duplicate arriving while the first is still running gets a 409. Whichever claims the key first runs;
    // container c's agents are held until the duplicate has been answered, so the overlap is certain.
    const other = container();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const run = c.fanout.run.bind(c.fanout);
    c.fanout.run = async (args) => {
      await gate;
      return run(args);
    };
    const pendingA = c.handler(post(query('hc-idem', 'i-2', 'second'), { 'Idempotency-Key': 'idem-hc-2' }), context);
    const b = await other.handler(post(query('hc-idem', 'i-2', 'second'), { 'Idempotency-Key': 'idem-hc-2' }), context);
    release();
    const a = await pendingA;
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect(await turnLog('hc-idem')).toHaveLength(2);
  });
});
