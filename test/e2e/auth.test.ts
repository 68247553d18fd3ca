/**
 * Authentication and tenant isolation over HTTP against the offline stack (issue #11): the API front verifies
 * SigV4 like API Gateway, the function maps the identity to tenant and role, stores are per tenant, operators
 * are audited, erasure removes an individual's items. One stack for the whole file (turns are the slow part).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../local/stack.js';
import { signRequest, signedFetch, type SignedRequestInit } from '../../local/client.js';
import { startTestStack, turnBody } from '../support/local-stack.js';

let stack: LocalStack;
let doc: DynamoDBDocumentClient;
const started = new Date().toISOString();

beforeAll(async () => {
  ({ stack, doc } = await startTestStack());
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

type Answer = { status: number; headers: Headers; json: Record<string, any> };
async function call(method: string, path: string, init: SignedRequestInit & { json?: unknown } = {}): Promise<Answer> {
  const body = init.json === undefined ? init.body : JSON.stringify(init.json);
  const res = await signedFetch(`${stack.apiUrl}${path}`, {
    ...init,
    method,
    ...(body !== undefined ? { body } : {}),
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, any>) : {} };
}
const turn = (body: Record<string, unknown>, init: SignedRequestInit = {}) => call('POST', '/orchestrate', { ...init, json: body });

async function scanAll(): Promise<Array<Record<string, any>>> {
  const items: Array<Record<string, any>> = [];
  let start: Record<string, any> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: stack.tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
const mentioning = (items: Array<Record<string, any>>, text: string) => items.filter((i) => JSON.stringify(i).includes(text));
const state = async (tenant: string, id: string) =>
  (await doc.send(new GetCommand({ TableName: stack.tableName, Key: { pk: `T#${tenant}#CONV#${id}`, sk: 'STATE' }, ConsistentRead: true }))).Item;

describe('the offline API enforces authentication like API Gateway', () => {
  it('unsigned, wrong secret, 30-minute-old signature, body changed after signing → 403 JSON, nothing written', async () => {
    const body = turnBody({ conversation_id: 'auth-refused', individual_id: 'ind-refused' });
    const unsigned = await turn(body, { identity: null });
    expect(unsigned.status).toBe(403);
    expect(unsigned.json.message).toBe('Missing Authentication Token');
    expect((await turn(body, { credentials: { accessKeyId: 'polaris-local', secretAccessKey: 'wrong' } })).status).toBe(403);
    expect((await turn(body, { signingDate: new Date(Date.now() - 30 * 60_000) })).status).toBe(403);
    const url = `${stack.apiUrl}/orchestrate`;
    const headers = await signRequest(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    delete headers.host;
    const changed = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ ...body, text: 'something else' }) });
    expect(changed.status).toBe(403);
    expect(changed.headers.get('content-type')).toMatch(/json/);
    expect(mentioning(await scanAll(), 'auth-refused')).toEqual([]);
  });

  it('GET /health is public and shows status, service and version only; details are for operators', async () => {
    const res = await fetch(`${stack.apiUrl}/health`);
    expect(Object.keys((await res.json()) as object).sort()).toEqual(['service', 'status', 'version']);
    expect((await call('GET', '/health/details', { identity: 'polaris-local' })).status).toBe(403);
    const details = await call('GET', '/health/details', { identity: 'polaris-operator' });
    expect(details.status).toBe(200);
    expect(details.json).toHaveProperty('cache');
  });
});

describe('tenants, roles and input hardening', () => {
  it('each identity reaches only its tenant; tenant B on tenant A\'s ids never sees or changes A\'s conversation', async () => {
    const a = await turn(turnBody({ conversation_id: 'auth-shared', individual_id: 'ind-a', text: 'Good morning! I feel good today.' }));
    expect(a.status).toBe(200);
    await stack.lambda.idle();
    const aBefore = await state('local', 'auth-shared');
    expect(aBefore).toMatchObject({ individual_id: 'ind-a', turn_count: 1 });

    // Same conversation and individual ids from tenant B: a new conversation of B's own.
    const b = await turn(turnBody({ conversation_id: 'auth-shared', individual_id: 'ind-a', call_log_id: 'call-b1', text: 'I slept badly.' }), { identity: 'polaris-local-b' });
    expect(b.status).toBe(200);
    await stack.lambda.idle();
    expect(await state('local-b', 'auth-shared')).toMatchObject({ individual_id: 'ind-a', turn_count: 1 });
    expect(await state('local', 'auth-shared')).toEqual(aBefore);

    // A's operator sees A's conversation; B's conversation does not exist for A's tenant.
    const seen = await call('GET', '/conversations/auth-shared', { identity: 'polaris-operator' });
    expect(seen.json).toMatchObject({ conversation_id: 'auth-shared', turn_count: 1, version: aBefore!.version });
    await turn(turnBody({ conversation_id: 'auth-only-b', individual_id: 'ind-b', call_log_id: 'call-b2' }), { identity: 'polaris-local-b' });
    const hidden = await call('GET', '/conversations/auth-only-b', { identity: 'polaris-operator' });
    const missing = await call('GET', '/conversations/auth-never-existed', { identity: 'polaris-operator' });
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
  });

  it('a conversation stays bound to its individual: another individual gets a 404 and changes nothing', async () => {
    const before = await state('local', 'auth-shared');
    const other = await turn(turnBody({ conversation_id: 'auth-shared', individual_id: 'ind-intruder', call_log_id: 'call-x' }));
    expect(other.status).toBe(404);
    expect(other.json.error).toBe('conversation auth-shared not found');
    expect(await state('local', 'auth-shared')).toEqual(before);
  });

  it('client identities on operator routes → 403; operators cannot send turns', async () => {
    for (const [method, path] of [['GET', '/conversations/auth-shared'], ['DELETE', '/individuals/ind-a'], ['GET', '/audit']] as const) {
      const res = await call(method, path, { identity: 'polaris-local' });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.error).toBe('forbidden');
    }
    const resume = await call('POST', '/conversations/auth-shared/resume', { identity: 'polaris-local-b', json: { reason: 'x' } });
    expect(resume.status).toBe(403);
    expect((await turn(turnBody({ conversation_id: 'auth-op' }), { identity: 'polaris-operator' })).status).toBe(403);
  });

  it('415 without application/json, 400 naming a bad path id; nothing written', async () => {
    const text = await call('POST', '/orchestrate', { body: JSON.stringify(turnBody({ conversation_id: 'auth-415' })), headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.json.details[0].field).toBe('Content-Type');
    const bad = await call('GET', '/conversations/bad%23id', { identity: 'polaris-operator' });
    expect(bad.status).toBe(400);
    expect(bad.json.details[0].field).toBe('id');
    const long = await call('DELETE', `/individuals/${'x'.repeat(129)}`, { identity: 'polaris-operator' });
    expect(long.status).toBe(400);
    expect(long.json.details[0].field).toBe('individual_id');
    expect(mentioning(await scanAll(), 'auth-415')).toEqual([]);
  });

  it('idempotency keys are scoped per tenant and caller', async () => {
    const key = { 'Idempotency-Key': 'auth-key-1' };
    const first = await turn(turnBody({ conversation_id: 'auth-idem', individual_id: 'ind-a', call_log_id: 'call-i1' }), { headers: key });
    expect(first.status).toBe(200);
    // Tenant B's caller uses the same key with another body: its own key, not a 422.
    const other = await turn(turnBody({ conversation_id: 'auth-idem-b', individual_id: 'ind-b', call_log_id: 'call-i2' }), { headers: key, identity: 'polaris-local-b' });
    expect(other.status).toBe(200);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    // The same caller reusing it with another body is refused; the same body replays.
    const reused = await turn(turnBody({ conversation_id: 'auth-idem', individual_id: 'ind-a', call_log_id: 'call-i3' }), { headers: key });
    expect(reused.status).toBe(422);
    const replay = await turn(turnBody({ conversation_id: 'auth-idem', individual_id: 'ind-a', call_log_id: 'call-i1' }), { headers: key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('operators: erasure and audit', () => {
  it('DELETE /individuals/{id} removes every item of that individual in the tenant, answers with counts; the audit remains', async () => {
    await stack.lambda.idle();
    const erased = await call('DELETE', '/individuals/ind-a', { identity: 'polaris-operator' });
    expect(erased.status).toBe(200);
    expect(erased.json.erased).toMatchObject({ conversations: 2, state_items: 2, idempotency_records: 1 });
    expect(erased.json.erased.turn_items).toBeGreaterThanOrEqual(2);
    const items = await scanAll();
    const tenantA = items.filter((i) => String(i.pk).startsWith('T#local#'));
    expect(mentioning(tenantA, 'ind-a')).toEqual([]);
    expect(tenantA.filter((i) => String(i.pk).includes('auth-shared') || String(i.pk).includes('auth-idem#') || String(i.pk).endsWith('auth-idem'))).toEqual([]);
    // Tenant B's conversation under the same ids is untouched.
    expect(await state('local-b', 'auth-shared')).toMatchObject({ individual_id: 'ind-a' });
    // Erasing again finds nothing.
    expect((await call('DELETE', '/individuals/ind-a', { identity: 'polaris-operator' })).json.erased.total).toBe(0);
  });

  it('GET /audit lists every operator read, resume and erasure of the tenant: who, when, what, request id — no text', async () => {
    const res = await call('GET', `/audit?since=${encodeURIComponent(started)}`, { identity: 'polaris-operator' });
    expect(res.status).toBe(200);
    const items = res.json.items as Array<Record<string, any>>;
    const actions = items.map((i) => i.action);
    expect(actions).toEqual(expect.arrayContaining(['inspect', 'erase', 'health_details']));
    for (const i of items) {
      expect(i.operator).toBe('arn:aws:iam::000000000000:user/polaris-operator');
      expect(typeof i.request_id).toBe('string');
      expect(Date.parse(i.at)).toBeGreaterThanOrEqual(Date.parse(started) - 1000);
    }
    const erase = items.find((i) => i.action === 'erase')!;
    expect(erase).toMatchObject({ status: 200, target: expect.stringMatching(/^individual:sha256:[0-9a-f]{64}$/) });
    expect(items.find((i) => i.action === 'inspect' && i.target === 'conversation:auth-shared')).toMatchObject({ status: 200 });
    expect(JSON.stringify(items)).not.toMatch(/feel good|slept/);
    // The client's forbidden attempts were not operator actions; the 400s were refused before any action.
    expect(items.some((i) => i.target === 'individual:' + 'x'.repeat(129))).toBe(false);
    // Paging.
    const page = await call('GET', `/audit?since=${encodeURIComponent(started)}&limit=1`, { identity: 'polaris-operator' });
    expect(page.json.items).toHaveLength(1);
    const next = await call('GET', `/audit?since=${encodeURIComponent(started)}&limit=1&cursor=${page.json.cursor}`, { identity: 'polaris-operator' });
    expect(next.json.items[0]).toEqual(items[1]);
    expect((await call('GET', '/audit?since=yesterday', { identity: 'polaris-operator' })).json.details[0].field).toBe('since');
  });
});
