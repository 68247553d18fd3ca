/**
 * End to end over HTTP: the offline stack (synthesized template, bundled functions, dynalite, the ASL in
 * aws-local-stepfunctions, Lambda async invokes) on free ports; turns sent with fetch like a client would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../local/stack.js';
import { startTestStack, turnBody } from '../support/local-stack.js';
import { signedFetch, type SignedRequestInit } from '../../local/client.js';
import { expectDocumented } from '../support/openapi.js';

let stack: LocalStack;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  ({ stack, doc } = await startTestStack());
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  identity: SignedRequestInit['identity'] = 'polaris-local',
): Promise<{ status: number; headers: Headers; json: Record<string, any> }> {
  const res = await signedFetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    identity,
  });
  const json = (await res.json()) as Record<string, any>;
  // Every answer is one the OpenAPI document describes (status, required headers, body schema).
  expectDocumented({ method: 'POST', path, status: res.status, headers: res.headers, body: json });
  return { status: res.status, headers: res.headers, json };
}

async function stateItem(id: string): Promise<Record<string, any> | undefined> {
  const out = await doc.send(new GetCommand({ TableName: stack.tableName, Key: { pk: `T#local#CONV#${id}`, sk: 'STATE' }, ConsistentRead: true }));
  return out.Item;
}

describe('offline stack over HTTP', () => {
  it('GET /health answers like the seed', async () => {
    const res = await fetch(`${stack.apiUrl}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expectDocumented({ method: 'GET', path: '/health', status: res.status, headers: res.headers, body });
    expect(body).toMatchObject({ status: 'healthy', service: 'orchestrator' });
    expect(typeof body.version).toBe('string');
  });

  it('a new conversation and a second turn: answers, and the state item in DynamoDB changes', async () => {
    const first = await post('/orchestrate', turnBody({ text: 'Good morning! I feel good today.' }));
    expect(first.status).toBe(200);
    for (const field of ['response', 'conversation_id', 'checkpoints', 'checkpoint_progress', 'task_stack', 'sync_agent_results', 'async_agent_results', 'requires_human', 'is_paused', 'is_enriched', 'timing_metrics']) {
      expect(first.json, field).toHaveProperty(field);
    }
    expect(first.json.conversation_id).toBe('e2e-conv-1');
    expect(first.json.response.length).toBeGreaterThan(0);
    expect(first.json.checkpoint_progress.checkin_mood).toBe(true);
    expect(first.headers.get('server-timing')).toMatch(/agents;dur=\d+/);
    // The agents really ran through the workflow.
    expect(first.json.sync_agent_results.privacy[0].status).toBe('ok');
    expect(first.json.sync_agent_results.checklist[0].status).toBe('ok');
    expect(first.json.sync_agent_results.checklist[0].latency_ms).toBeGreaterThanOrEqual(0);
    // The checkpoint generator may merge (and bump the version) after a turn: let async work finish first.
    await stack.lambda.idle();
    const after1 = await stateItem('e2e-conv-1');
    expect(after1).toMatchObject({ turn_count: 1 });
    expect(after1!.version).toBeGreaterThanOrEqual(1);

    const second = await post('/orchestrate', turnBody({ text: 'I slept well, about eight hours.', call_log_id: 'call-002' }));
    expect(second.status).toBe(200);
    expect(second.json.checkpoint_progress).toMatchObject({ checkin_mood: true, checkin_sleep: true });
    await stack.lambda.idle();
    const after2 = await stateItem('e2e-conv-1');
    expect(after2).toMatchObject({ turn_count: 2 });
    expect(after2!.version).toBeGreaterThan(after1!.version);
    expect(after2!.task_stack).not.toEqual(after1!.task_stack);
    const turns = await doc.send(
      new QueryCommand({ TableName: stack.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)', ExpressionAttributeValues: { ':pk': 'T#local#CONV#e2e-conv-1', ':t': 'TURN#' } }),
    );
    expect(turns.Items?.map((i) => i.sk)).toEqual(['TURN#00000001', 'TURN#00000002']);
    // No raw health text in the turn log by default.
    expect(JSON.stringify(turns.Items)).not.toContain('eight hours');
  });

  it('after-turn async work (checkpoint generation, history) runs and nothing lands in the DLQ', async () => {
    const res = await post('/orchestrate', turnBody({ conversation_id: 'e2e-async', services: ['history'], text: 'I feel okay. I will call my sister tomorrow.' }));
    expect(res.status).toBe(200);
    expect(res.json.async_agent_results.history).toMatchObject({ status: 'scheduled' });
    await stack.lambda.idle();
    expect(stack.lambda.deadLetters).toEqual([]);
    const item = await stateItem('e2e-async');
    expect(item!.context.summary.length).toBeGreaterThan(0);
  });

  it('a bad request is a 400 naming the field, and writes nothing', async () => {
    const res = await post('/orchestrate', turnBody({ conversation_id: 'e2e-bad', plan: 'no_such_plan', text: '' }));
    expect(res.status).toBe(400);
    const fields = (res.json.details as Array<{ field: string }>).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['plan', 'text']));
    expect(await stateItem('e2e-bad')).toBeUndefined();
  });

  it('operator routes need IAM-style authorization; inspection shows the stored conversation', async () => {
    const anon = await signedFetch(`${stack.apiUrl}/conversations/e2e-conv-1`, { identity: null });
    expect(anon.status).toBe(403);
    const res = await signedFetch(`${stack.apiUrl}/conversations/e2e-conv-1`, { identity: 'polaris-operator' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expectDocumented({ method: 'GET', path: '/conversations/e2e-conv-1', status: res.status, headers: res.headers, body });
    expectDocumented({ method: 'GET', path: '/conversations/e2e-conv-1', status: anon.status, headers: anon.headers, body: await anon.json() });
    const stored = await stateItem('e2e-conv-1');
    expect(body).toMatchObject({ conversation_id: 'e2e-conv-1', version: stored!.version, turn_count: 2 });
    const missing = await signedFetch(`${stack.apiUrl}/conversations/nobody`, { identity: 'polaris-operator' });
    expect(missing.status).toBe(404);
    expectDocumented({ method: 'GET', path: '/conversations/nobody', status: missing.status, headers: missing.headers, body: await missing.json() });
  });

  it('a crisis turn escalates, later turns hold without agents, and an operator resumes', async () => {
    const id = 'e2e-crisis';
    const crisis = await post('/orchestrate', turnBody({ conversation_id: id, text: 'I have crushing chest pain and my left arm is numb.' }));
    expect(crisis.status).toBe(200);
    expect(crisis.json).toMatchObject({ requires_human: true, is_paused: true });
    const held = await post('/orchestrate', turnBody({ conversation_id: id, text: 'hello?', call_log_id: 'call-2' }));
    expect(held.json.is_paused).toBe(true);
    expect(Object.keys(held.json.sync_agent_results)).toEqual([]);
    const resumed = await post(`/conversations/${id}/resume`, { reason: 'nurse called the patient back; safe' }, {}, 'polaris-operator');
    expect(resumed.status).toBe(200);
    const next = await post('/orchestrate', turnBody({ conversation_id: id, text: 'I feel better now, thanks.', call_log_id: 'call-3' }));
    expect(next.json).toMatchObject({ is_paused: false, requires_human: false });
  });
});
