/**
 * Identity → tenant and role, from what API Gateway put in the event after it authenticated the caller:
 *   auth=iam  `requestContext.identity.userArn` (SigV4 verified by API Gateway; offline by local/apigw-server)
 *             looked up in the tenants directory (assumed-role sessions match their role);
 *   auth=jwt  `requestContext.authorizer.{tenant, role, principalId}` set by the JWT authorizer.
 * The tenant never comes from the request body. An identity that is not mapped → 403; an event with no
 * identity at all (API Gateway would not have let it through) → 401. Each route states the role it needs.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  normalizePrincipalArn,
  ROLES,
  TENANT_PATTERN,
  type AuthMode,
  type Role,
  type TenantDirectory,
} from '../contracts/access.js';

/** The authenticated caller of one request. */
export interface Caller {
  tenant: string;
  role: Role;
  /** The principal (IAM ARN or JWT subject): who, in audit items and the idempotency scope. */
  principal: string;
  /** Short stable id of the principal for keys (idempotency records are scoped per tenant and caller). */
  scope: string;
}

export type Resolution = { ok: true; caller: Caller } | { ok: false; status: 401 | 403; error: string };

/** Longest principal accepted (IAM ARNs are ≤ 2048; anything longer is not a real identity). */
const MAX_PRINCIPAL = 2048;

function callerScope(principal: string): string {
  return createHash('sha256').update(principal).digest('hex').slice(0, 24);
}

/** Looks principals up in the tenants directory. Built once per container. */
export class TenantDirectoryIndex {
  private readonly byArn = new Map<string, { tenant: string; role: Role }>();

  constructor(directory: TenantDirectory) {
    for (const [tenant, entry] of Object.entries(directory)) {
      for (const arn of entry.clients) this.byArn.set(normalizePrincipalArn(arn), { tenant, role: 'client' });
      for (const arn of entry.operators) this.byArn.set(normalizePrincipalArn(arn), { tenant, role: 'operator' });
    }
  }

  lookup(arn: string): { tenant: string; role: Role } | undefined {
    return this.byArn.get(normalizePrincipalArn(arn));
  }

  get size(): number {
    return this.byArn.size;
  }
}

export interface IdentityOptions {
  mode: AuthMode;
  directory: TenantDirectoryIndex;
}

const denied = (error: string): Resolution => ({ ok: false, status: 403, error });

/** Who is calling, or why not (see the header). */
export function resolveCaller(event: APIGatewayProxyEvent, options: IdentityOptions): Resolution {
  if (options.mode === 'jwt') {
    const auth = (event.requestContext?.authorizer ?? null) as Record<string, unknown> | null;
    const principal = typeof auth?.['principalId'] === 'string' ? auth['principalId'] : undefined;
    if (!auth || !principal) return { ok: false, status: 401, error: 'unauthenticated' };
    const tenant = auth['tenant'];
    const role = auth['role'];
    if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) return denied('the token names no valid tenant');
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return denied('the token names no valid role');
    if (principal.length > MAX_PRINCIPAL) return denied('principal too long');
    return { ok: true, caller: { tenant, role: role as Role, principal, scope: callerScope(principal) } };
  }
  const identity = event.requestContext?.identity;
  const principal = identity?.userArn ?? null;
  if (!principal) return { ok: false, status: 401, error: 'unauthenticated' };
  if (principal.length > MAX_PRINCIPAL) return denied('principal too long');
  const mapped = options.directory.lookup(principal);
  if (!mapped) return denied('this principal is not mapped to a tenant');
  return { ok: true, caller: { ...mapped, principal, scope: callerScope(normalizePrincipalArn(principal)) } };
}

/** The caller used by in-process wiring that has no authentication (unit tests): one tenant, every role. */
export function trustedCaller(tenant: string, role: Role = 'operator', principal = `in-process:${tenant}`): Caller {
  return { tenant, role, principal, scope: callerScope(principal) };
}
