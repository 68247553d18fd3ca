/**
 * The tenant of an async work item (checkpoint generation, async agents): the orchestrator adds `tenant` to
 * the payload it dispatches after a committed turn (orchestrate/tenancy.ts). A payload without one is the
 * default tenant's (events queued before tenants existed, `sam local invoke` samples); a malformed one is an
 * error, never silently another tenant.
 */
import { TENANT_PATTERN } from '../contracts/access.js';
import { DEFAULT_TENANT } from './keys.js';

export function tenantOfEvent(event: unknown): string {
  const tenant = typeof event === 'object' && event !== null ? (event as Record<string, unknown>)['tenant'] : undefined;
  if (tenant === undefined) return DEFAULT_TENANT;
  if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) throw new Error('the event names an invalid tenant');
  return tenant;
}
