/**
 * How the offline stack runs the template's access settings "exactly as deployed", where AWS has pieces the
 * machine does not:
 *   - tenant scoping: there is no STS offline, so `TENANT_SCOPING=sts` becomes `emulate` (the LeadingKeys rule
 *     checked in-process by the tenant-scoped client, functions/adapters/tenant-client.ts) — or `off` with
 *     LOCAL_TENANT_SCOPING=off;
 *   - auth=jwt: the JWT authorizer verifies against the local key pair (local/jwt.ts) instead of fetching the
 *     issuer's JWKS.
 * Everything else (routes, authorization types, the tenants directory) is the template's own.
 */
import type { LocalTemplate } from './template.js';
import { localJwks } from './jwt.js';

export function localizeAccess(template: LocalTemplate, options: { scoping?: 'emulate' | 'off' } = {}): void {
  const scoping = options.scoping ?? (process.env.LOCAL_TENANT_SCOPING === 'off' ? 'off' : 'emulate');
  for (const fn of template.functions.values()) {
    const env = fn.environment;
    if (env['TENANT_ROLE_ARN'] !== undefined && (env['TENANT_SCOPING'] ?? 'sts') === 'sts') {
      env['TENANT_SCOPING'] = scoping;
      delete env['TENANT_ROLE_ARN'];
    }
    if (env['JWT_ISSUER'] !== undefined && env['JWT_JWKS'] === undefined) env['JWT_JWKS'] = localJwks();
  }
}

/** The tenants directory of the template's orchestrate function (what `npm start` prints). */
export function templateTenants(template: LocalTemplate): Record<string, { clients: string[]; operators: string[] }> {
  for (const fn of template.functions.values()) {
    if (fn.environment['TENANTS']) return JSON.parse(fn.environment['TENANTS']) as Record<string, { clients: string[]; operators: string[] }>;
  }
  return {};
}

/** The auth mode of the template (AUTH_MODE of the orchestrate function). */
export function templateAuthMode(template: LocalTemplate): string {
  for (const fn of template.functions.values()) if (fn.environment['AUTH_MODE']) return fn.environment['AUTH_MODE'];
  return 'iam';
}
