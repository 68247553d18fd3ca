/**
 * The access layer in the HTTP app (functions/orchestrate/access.ts, identity.ts) with fakes: identity →
 * tenant and role (assumed-role sessions, unmapped principals, JWT context), per-route roles, the tenant's own
 * dependencies, the audit written before an operator action (and the action refused when it cannot be),
 * 415 and path-id 400s, and an operator id over 2 KB answering 400, not 500.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { normalizePrincipalArn, parseTenantDirectory } from '../../../functions/contracts/access.js';
import type { AuditEntry, AuditLog } from '../../../functions/core/access-ports.js';
import { ACCEPTED_DETECTED_AGENTS } from '../../../functions/core/routing.js';
import { StoreUnavailableError } from '../../../functions/core/ports.js';
import { listPlanIds } from '../../../functions/core/plans.js';
import { createOrchestrateHandler } from '../../../functions/orchestrate/app.js';
import type { AccessControl } from '../../../functions/orchestrate/access.js';
import { resolveCaller, TenantDirectoryIndex } from '../../../functions/orchestrate/identity.js';
import { harness } from '../engine/harness.js';

const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 25_000 } as unknown as Context;
const ACME_CLIENT = 'arn:aws:iam::111122223333:role/acme-backend';
const ACME_OPS = 'arn:aws:iam::111122223333:role/care/acme-care';
const directory = new TenantDirectoryIndex(parseTenantDirectory({ acme: { clients: [ACME_CLIENT], operators: [ACME_OPS] }, globex: { clients: ['arn:aws:iam::444455556666:user/globex'] } }));

function event(method: string, resource: string, path: string, body: unknown, opts: { arn?: string | null; params?: Record<string, string>; contentType?: string; authorizer?: Record<string, unknown> } = {}): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    resource,
    body: body === null ? null : typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': opts.contentType ?? 'application/json' },
    multiValueHeaders: {},
    isBase64Encoded: false,
    pathParameters: opts.params ?? null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      requestId: `req-${Math.random()}`,
      identity: { userArn: opts.arn === undefined ? ACME_CLIENT : opts.arn },
      authorizer: opts.authorizer ?? null,
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

describe('identity → tenant and role', () => {
  it('maps users, roles and assumed-role sessions (role paths ignored); unmapped → 403, none → 401', () => {
    expect(normalizePrincipalArn('arn:aws:sts::111122223333:assumed-role/acme-care/nurse-7')).toBe('arn:aws:iam::111122223333:role/acme-care');
    const r = (arn: string | null) => resolveCaller(event('GET', '/x', '/x', null, { arn }), { mode: 'iam', directory });
    expect(r(ACME_CLIENT)).toMatchObject({ ok: true, caller: { tenant: 'acme', role: 'client' } });
    expect(r('arn:aws:sts::111122223333:assumed-role/acme-care/nurse-7')).toMatchObject({ ok: true, caller: { tenant: 'acme', role: 'operator' } });
    expect(r('arn:aws:iam::444455556666:user/globex')).toMatchObject({ ok: true, caller: { tenant: 'globex', role: 'client' } });
    expect(r('arn:aws:iam::999999999999:user/stranger')).toMatchObject({ ok: false, status: 403 });
    expect(r(null)).toMatchObject({ ok: false, status: 401 });
    // Two sessions of the same role are one caller (same idempotency scope); another principal is not.
    const s1 = r('arn:aws:sts::111122223333:assumed-role/acme-backend/a');
    const s2 = r('arn:aws:sts::111122223333:assumed-role/acme-backend/b');
    expect(s1.ok && s2.ok && s1.caller.scope === s2.caller.scope).toBe(true);
  });

  it('JWT mode reads the authorizer context only', () => {
    const j = (authorizer?: Record<string, unknown>) => resolveCaller(event('GET', '/x', '/x', null, { arn: null, authorizer }), { mode: 'jwt', directory });
    expect(j({ principalId: 'iss#u1', tenant: 'acme', role: 'operator' })).toMatchObject({ ok: true, caller: { tenant: 'acme', role: 'operator', principal: 'iss#u1' } });
    expect(j()).toMatchObject({ ok: false, status: 401 });
    expect(j({ principalId: 'iss#u1', role: 'client' })).toMatchObject({ ok: false, status: 403 });
    expect(j({ principalId: 'iss#u1', tenant: 'acme', role: 'root' })).toMatchObject({ ok: false, status: 403 });
  });
});

describe('the access layer in the app', () => {
  function app(options: { auditFails?: boolean } = {}) {
    const h = harness({});
    const audit: AuditEntry[] = [];
    const statuses: number[] = [];
    const auditLog: AuditLog = {
      record: async (e) => {
        if (options.auditFails) throw new StoreUnavailableError('DynamoDB PutItem failed: ThrottlingException', 2);
        audit.push(e);
      },
      complete: async (_e, status) => void statuses.push(status),
      list: async () => ({ items: audit }),
    };
    const tenantsSeen: string[] = [];
    const erasures: string[] = [];
    const access: AccessControl = {
      mode: 'iam',
      directory,
      forCaller: (caller) => {
        tenantsSeen.push(caller.tenant);
        return { store: h.store, audit: auditLog, eraser: { erase: async (id) => (erasures.push(id), { conversations: 0, state_items: 0, turn_items: 0, other_conversation_items: 0, idempotency_records: 0, individual_items: 0, total: 0 }) } };
      },
    };
    const handler = createOrchestrateHandler({
      ...h.deps,
      access,
      accepted: { plans: listPlanIds(), services: ['nutrition'], detectedAgents: ACCEPTED_DETECTED_AGENTS },
      maxBodyBytes: 64 * 1024,
      healthDetails: () => ({ cache: { hits: 1 } }),
    });
    return { h, handler, audit, statuses, tenantsSeen, erasures };
  }

  it('per-route roles; the caller\'s tenant scope; operator actions audited before they run', async () => {
    const { handler, audit, statuses, tenantsSeen } = app();
    const inspectAs = (arn: string) => handler(event('GET', '/conversations/{id}', '/conversations/c1', null, { arn, params: { id: 'c1' } }), context);
    expect((await inspectAs(ACME_CLIENT)).statusCode).toBe(403);
    expect(audit).toHaveLength(0);
    expect((await inspectAs(ACME_OPS)).statusCode).toBe(404);
    expect(audit).toEqual([expect.objectContaining({ operator: ACME_OPS, action: 'inspect', target: 'conversation:c1' })]);
    expect(statuses).toEqual([404]);
    expect(tenantsSeen).toEqual(['acme']);
    const health = await handler(event('GET', '/health', '/health', null, { arn: null }), context);
    expect(Object.keys(JSON.parse(health.body)).sort()).toEqual(['service', 'status', 'version']);
    const details = await handler(event('GET', '/health/details', '/health/details', null, { arn: ACME_OPS }), context);
    expect(JSON.parse(details.body)).toMatchObject({ cache: { hits: 1 } });
    const stranger = await handler(event('POST', '/orchestrate', '/orchestrate', {}, { arn: 'arn:aws:iam::999999999999:user/x' }), context);
    expect(stranger.statusCode).toBe(403);
    expect(JSON.parse(stranger.body)).toMatchObject({ error: 'forbidden' });
  });

  it('no unaudited access: when the audit cannot be written the action does not run (503)', async () => {
    const { handler, erasures } = app({ auditFails: true });
    const res = await handler(event('DELETE', '/individuals/{individual_id}', '/individuals/i1', null, { arn: ACME_OPS, params: { individual_id: 'i1' } }), context);
    expect(res.statusCode).toBe(503);
    expect(erasures).toEqual([]);
    const ok = await app().handler(event('DELETE', '/individuals/{individual_id}', '/individuals/i1', null, { arn: ACME_OPS, params: { individual_id: 'i1' } }), context);
    expect(ok.statusCode).toBe(200);
  });

  it('415 for a body that is not application/json; 400 naming a bad path id; 2 KB+ operator id → 400', async () => {
    const { handler } = app();
    const plain = await handler(event('POST', '/orchestrate', '/orchestrate', '{}', { contentType: 'text/plain' }), context);
    expect(plain.statusCode).toBe(415);
    expect(JSON.parse(plain.body).details[0].field).toBe('Content-Type');
    const withCharset = await handler(event('POST', '/orchestrate', '/orchestrate', '{', { contentType: 'application/json; charset=utf-8' }), context);
    expect(withCharset.statusCode).toBe(400);
    const badId = await handler(event('GET', '/conversations/{id}', '/conversations/a b', null, { arn: ACME_OPS, params: { id: 'a b' } }), context);
    expect(badId.statusCode).toBe(400);
    expect(JSON.parse(badId.body).details[0].field).toBe('id');
    const long = await handler(event('POST', '/conversations/{id}/resume', '/conversations/c1/resume', { reason: 'r' }, { arn: `arn:aws:iam::111122223333:user/${'x'.repeat(2100)}`, params: { id: 'c1' } }), context);
    expect(long.statusCode).toBe(400);
  });
});
