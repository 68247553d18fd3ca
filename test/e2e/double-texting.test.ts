/**
 * Double texting end to end: the offline stack with the functions running as 3 containers each (own warm
 * caches), a 30-message burst on one conversation over HTTP (signed, as every client here), while the
 * first message is still being answered. Enqueue: every message 200, turn_count +30, turn items in the order
 * API Gateway received them. Reject: the overlapping ones 409 and nothing changed by them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../local/stack.js';
import { startTestStack, turnBody } from '../support/local-stack.js';
import { postJson } from '../../local/client.js';

let stack: LocalStack;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  ({ stack, doc } = await startTestStack({}, { workers: 3 }));
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const pk = (id: string) => `T#local#CONV#${id}`;

async function stateItem(id: string): Promise<Record<string, any> | undefined> {
  return (await doc.send(new GetCommand({ TableName: stack.tableName, Key: { pk: pk(id), sk: 'STATE' }, ConsistentRead: true }))).Item;
}

async function leaseItem(id: string): Promise<Record<string, any> | undefined> {
  return (await doc.send(new GetCommand({ TableName: stack.tableName, Key: { pk: pk(id), sk: 'LEASE' }, ConsistentRead: true }))).Item;
}

async function until(predicate: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function turns(id: string): Promise<Array<Record<string, any>>> {
  const out = await doc.send(
    new QueryCommand({
      TableName: stack.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
      ExpressionAttributeValues: { ':pk': pk(id), ':t': 'TURN#' },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

const send = (id: string, n: string, headers: Record<string, string> = {}) =>
  postJson(`${stack.apiUrl}/orchestrate`, turnBody({ conversation_id: id, call_log_id: n, text: `message ${n}: I had some water` }), { headers });

describe('double texting over HTTP, functions as 3 containers each', () => {
  it('enqueue: a 30-message burst → 30 × 200, turn_count +30, turn items in arrival order', { timeout: 240_000 }, async () => {
    // Start the 3 orchestrate containers first (each its own warm cache), as a live deployment has them warm.
    const orchestrate = stack.template.routes.find((r) => r.resourcePath === '/orchestrate')!.functionLogicalId;
    while (stack.runtime.containerCount(orchestrate) < 3) {
      await Promise.all(Array.from({ length: 3 }, () => fetch(`${stack.apiUrl}/health`)));
    }
    expect((await send('dt-enq', 'first')).status).toBe(200);
    const before = await stateItem('dt-enq');
    const answers = [];
    // "hi" is being answered when the rest arrive, a couple of milliseconds apart.
    answers.push(send('dt-enq', 'burst-00'));
    await until(async () => ((await leaseItem('dt-enq'))?.fence ?? 0) >= 2);
    for (let i = 1; i < 30; i++) {
      answers.push(send('dt-enq', `burst-${String(i).padStart(2, '0')}`));
      await new Promise((r) => setTimeout(r, 2)); // a client texting fast: distinct arrival times
    }
    const results = await Promise.all(answers);
    const statuses = results.map((r) => r.status);
    const bodies = await Promise.all(results.map((r) => r.json() as Promise<Record<string, any>>));
    if (process.env.DEBUG_BURST) for (const b of bodies) console.log(JSON.stringify(b.timing_metrics));
    expect(statuses).toEqual(statuses.map(() => 200));
    const waits = bodies.map((b) => b.timing_metrics?.queue);
    console.log(`30-message burst: max wait in queue ${Math.max(...waits)} ms`);
    const after = await stateItem('dt-enq');
    expect(after?.turn_count).toBe(before!.turn_count + 30);
    const log = await turns('dt-enq');
    expect(log.map((t) => t.turn)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    const arrived = log.map((t) => [t.arrived_at as number, t.request_id as string] as const);
    const sorted = [...arrived].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    expect(arrived).toEqual(sorted);
    expect(new Set(log.map((t) => t.call_log_id)).size).toBe(31);
    expect(stack.runtime.containerCount(orchestrate)).toBe(3);
  });

  it('reject: overlapping messages → 409 + Retry-After, and they change nothing', { timeout: 120_000 }, async () => {
    expect((await send('dt-rej', 'first')).status).toBe(200);
    const before = await stateItem('dt-rej');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => send('dt-rej', `r-${i}`, { 'X-Multitask-Strategy': 'reject' })));
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 409);
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(ok + refused.length).toBe(8);
    for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await stateItem('dt-rej'))?.turn_count).toBe(before!.turn_count + ok);
    expect(await turns('dt-rej')).toHaveLength(1 + ok);
  });
});
