/**
 * The access layer of the HTTP app, run before every route (middleware-like; app.ts calls `enterRoute`):
 *   1. who: the caller's tenant and role from the authenticated identity (identity.ts) — 401/403 JSON;
 *   2. may they: the route's role (client routes, operator routes, public GET /health) — 403;
 *   3. input shape: a JSON body must say `Content-Type: application/json` (415: a cross-site "simple request"
 *      cannot send that without a preflight); path ids are validated like body ids (400 naming the parameter);
 *   4. tenant scope: the route runs with the caller's tenant-scoped dependencies only (store, idempotency
 *      scoped to tenant + caller, async dispatch carrying the tenant, audit, erasure);
 *   5. audit: an operator read, resume or erasure is recorded BEFORE it runs (if that write fails the action
 *      does not run: no unaudited access) and its status after.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ID_PATTERN } from '../contracts/api.js';
import type { AuthMode, Role } from '../contracts/access.js';
import type { AuditEntry, AuditLog, IndividualEraser, IndividualIndex } from '../core/access-ports.js';
import type { AsyncDispatcher, ConversationStore, TurnQueue } from '../core/ports.js';
import type { IndividualMemoryStore } from '../core/memory/ports.js';
import type { IdempotencyStore } from '../adapters/idempotency.js';
import { DEFAULT_TENANT } from '../adapters/keys.js';
import { resolveCaller, trustedCaller, type Caller, type TenantDirectoryIndex } from './identity.js';
import { header, json, problem, type HttpResult } from './http.js';

/** The dependencies that differ per tenant (and per caller, for idempotency). */
export interface TenantScope {
  store: ConversationStore;
  idempotency?: IdempotencyStore;
  dispatcher?: AsyncDispatcher;
  audit?: AuditLog;
  eraser?: IndividualEraser;
  individualIndex?: IndividualIndex;
  /** The tenant's turn queue (double texting): LEASE items under the tenant's keys. */
  queue?: TurnQueue;
  /** The tenant's individual memory (issue #16). */
  memory?: IndividualMemoryStore;
}

/** How the app authenticates callers and builds their tenant's dependencies. */
export interface AccessControl {
  mode: AuthMode;
  directory: TenantDirectoryIndex;
  forCaller(caller: Caller): TenantScope;
}

/** Who may call a route: `public` (GET /health only), `client` backends, `operator`s, or `any` authenticated caller. */
export type RoutePolicy = { role: 'public' | 'any' | Role; audit?: { action: AuditEntry['action']; target: (e: APIGatewayProxyEvent) => string } };

/** Route policies; a route not listed here needs an authenticated caller of any role. */
export const ROUTE_POLICIES: Record<string, RoutePolicy> = {
  'GET /health': { role: 'public' },
  'POST /orchestrate': { role: 'client' },
  'GET /conversations/{id}': { role: 'operator', audit: { action: 'inspect', target: (e) => `conversation:${e.pathParameters?.['id'] ?? ''}` } },
  'POST /conversations/{id}/resume': { role: 'operator', audit: { action: 'resume', target: (e) => `conversation:${e.pathParameters?.['id'] ?? ''}` } },
  'DELETE /individuals/{individual_id}': { role: 'operator', audit: { action: 'erase', target: (e) => `individual:${e.pathParameters?.['individual_id'] ?? ''}` } },
  'GET /health/details': { role: 'operator', audit: { action: 'health_details', target: () => 'health' } },
  'GET /audit': { role: 'operator' },
  'GET /conversations': { role: 'operator', audit: { action: 'list_conversations', target: () => 'conversations' } },
  'GET /conversations/{id}/turns': { role: 'operator', audit: { action: 'inspect_turns', target: (e) => `conversation:${e.pathParameters?.['id'] ?? ''}` } },
  'GET /openapi.json': { role: 'any' },
};

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** `application/json`, optionally with parameters (`; charset=utf-8`); `application/*+json` is not accepted. */
function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/json\s*(;.*)?$/i.test(contentType.trim());
}

export type Entered<D> =
  | { ok: false; result: HttpResult }
  | { ok: true; caller: Caller; deps: D; after(status: number): Promise<void> };

/**
 * Everything the header lists, for one request. `deps` is returned with the caller's tenant scope applied.
 * Without an AccessControl (in-process wiring of unit tests) every caller is the default tenant's operator.
 */
export async function enterRoute<D extends TenantScope & { access?: AccessControl; clock: { now(): number } }>(
  routeKey: string,
  event: APIGatewayProxyEvent,
  deps: D,
  requestId: string,
): Promise<Entered<D>> {
  const policy = ROUTE_POLICIES[routeKey] ?? { role: 'any' };
  const noop = async () => undefined;
  if (policy.role === 'public') return { ok: true, caller: trustedCaller(DEFAULT_TENANT, 'client'), deps, after: noop };

  let caller: Caller;
  if (deps.access) {
    const resolved = resolveCaller(event, { mode: deps.access.mode, directory: deps.access.directory });
    if (!resolved.ok) {
      if (resolved.error === 'principal too long') {
        return { ok: false, result: problem(400, 'invalid request', '(identity)', 'the caller\'s principal is longer than 2048 characters') };
      }
      return { ok: false, result: json(resolved.status, { error: resolved.status === 401 ? 'unauthenticated' : 'forbidden', message: resolved.error, request_id: requestId }) };
    }
    caller = resolved.caller;
  } else {
    const id = event.requestContext?.identity;
    caller = trustedCaller(DEFAULT_TENANT, 'operator', id?.userArn ?? id?.caller ?? undefined);
  }
  // Without an AccessControl the in-process caller holds every role.
  if (deps.access && policy.role !== 'any' && caller.role !== policy.role) {
    return { ok: false, result: json(403, { error: 'forbidden', message: `this route is for ${policy.role}s`, request_id: requestId }) };
  }

  if (BODY_METHODS.has(event.httpMethod) && !isJson(header(event, 'Content-Type'))) {
    return { ok: false, result: problem(415, 'unsupported media type', 'Content-Type', 'must be application/json') };
  }
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
    if (value === undefined || !ID_PATTERN.test(value)) {
      return { ok: false, result: problem(400, 'invalid request', name, 'must be 1-128 characters of letters, digits, dot, underscore, colon or hyphen') };
    }
  }

  const scoped: D = deps.access ? { ...deps, ...deps.access.forCaller(caller) } : deps;
  if (!policy.audit || !scoped.audit) return { ok: true, caller, deps: scoped, after: noop };

  const audit = scoped.audit;
  const entry: AuditEntry = {
    at: new Date(deps.clock.now()).toISOString(),
    request_id: requestId,
    operator: caller.principal,
    action: policy.audit.action,
    target: policy.audit.target(event),
  };
  if (entry.action === 'erase') entry.target = pseudonymousIndividual(caller.tenant, entry.target.slice('individual:'.length));
  await audit.record(entry);
  return {
    ok: true,
    caller,
    deps: scoped,
    after: (status) => audit.complete(entry, status).catch(() => undefined),
  };
}

/**
 * An erased individual appears in the audit only as a pseudonym: after the erasure nothing in the table
 * names them, yet an auditor who knows the id can find the entry (sha256 of `<tenant>#<individual_id>`).
 */
export function pseudonymousIndividual(tenant: string, individualId: string): string {
  return `individual:sha256:${createHash('sha256').update(`${tenant}#${individualId}`).digest('hex')}`;
}
