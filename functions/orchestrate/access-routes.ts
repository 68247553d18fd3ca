/**
 * Operator routes of the access layer (auth issue): the right to erasure and the audit listing.
 *   DELETE /individuals/{individual_id}   every item of that individual in the operator's tenant → counts
 *   GET    /audit?since=<ISO>&limit=&cursor=   the tenant's operator audit, oldest first
 * The tenant is the operator's own (access.ts scoped the dependencies); nothing here reads it from input.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AuditLog, IndividualEraser } from '../core/access-ports.js';
import { json, problem, type HttpResult } from './http.js';

/** Most entries one audit page returns. */
export const MAX_AUDIT_PAGE = 500;

class MissingDependencyError extends Error {
  override readonly name = 'MissingDependencyError';
}

export async function eraseIndividualRoute(event: APIGatewayProxyEvent, deps: { eraser?: IndividualEraser }): Promise<HttpResult> {
  if (!deps.eraser) throw new MissingDependencyError('erasure is not configured');
  const individualId = event.pathParameters?.['individual_id'] ?? '';
  const counts = await deps.eraser.erase(individualId);
  return json(200, { individual_id: individualId, erased: counts });
}

export async function listAuditRoute(event: APIGatewayProxyEvent, deps: { audit?: AuditLog }): Promise<HttpResult> {
  if (!deps.audit) throw new MissingDependencyError('the audit log is not configured');
  const q = event.queryStringParameters ?? {};
  const since = q['since'] ?? '1970-01-01T00:00:00.000Z';
  const sinceMs = Date.parse(since);
  if (!/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(since) || Number.isNaN(sinceMs)) {
    return problem(400, 'invalid request', 'since', 'must be an ISO 8601 date or time, e.g. 2026-11-24T08:00:00Z');
  }
  const limitText = q['limit'] ?? '100';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) {
    return problem(400, 'invalid request', 'limit', `must be an integer 1-${MAX_AUDIT_PAGE}`);
  }
  const cursor = q['cursor'];
  let after: string | undefined;
  if (cursor !== undefined) {
    after = Buffer.from(cursor, 'base64url').toString('utf8');
    if (!after.startsWith('AT#') || after.length > 300) return problem(400, 'invalid request', 'cursor', 'is not a cursor this API returned');
  }
  const page = await deps.audit.list({ since: new Date(sinceMs).toISOString(), limit, ...(after ? { cursor: after } : {}) });
  return json(200, {
    since: new Date(sinceMs).toISOString(),
    items: page.items,
    ...(page.cursor ? { cursor: Buffer.from(page.cursor, 'utf8').toString('base64url') } : {}),
  });
}
