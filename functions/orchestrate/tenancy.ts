/**
 * Wires the access layer for the deployed function (and the offline stack, which runs the same bundle):
 * AUTH_MODE (iam|jwt), TENANTS (the tenants directory, JSON), TENANT_SCOPING / TENANT_ROLE_ARN (tenant-scoped
 * DynamoDB credentials, tenant-client.ts). Per caller it hands out that tenant's stores: conversations (with
 * the individual's index written on create), idempotency scoped to tenant + caller, the async dispatcher
 * carrying the tenant to the workers, the audit log and the eraser. Built once per container; per-tenant
 * objects are cached (tenants are configured, so the maps stay small).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AUTH_MODES, parseTenantDirectory, type AuthMode } from '../contracts/access.js';
import type { AsyncDispatcher } from '../core/ports.js';
import type { IndividualMemoryStore } from '../core/memory/ports.js';
import {
  getRetentionDays,
  getTableName,
  getTenantConversationStore,
  getTenantIdempotencyStore,
  getTenantTurnQueue,
} from '../adapters/conversation-store.js';
import { DynamoAuditLog } from '../adapters/audit-log.js';
import { DynamoIndividualEraser } from '../adapters/erasure.js';
import { DynamoIndividualIndex, withIndividualIndex } from '../adapters/individual-index.js';
import type { TenantClients } from '../adapters/tenant-client.js';
import type { AccessControl, TenantScope } from './access.js';
import { TenantDirectoryIndex, type Caller } from './identity.js';

/** The async work of a turn runs in other functions: they learn the tenant from the payload. */
export function tenantDispatcher(base: AsyncDispatcher, tenant: string): AsyncDispatcher {
  return {
    generateCheckpoints: (request) => base.generateCheckpoints({ ...request, tenant } as typeof request),
    runAsyncAgent: (agent, input) => base.runAsyncAgent(agent, { ...input, tenant } as typeof input),
    // Memory write requests already name their tenant (the tenant's memory store sets it).
    ...(base.writeMemory ? { writeMemory: (request: Parameters<NonNullable<AsyncDispatcher['writeMemory']>>[0]) => base.writeMemory!(request) } : {}),
  };
}

export function authModeFromEnv(env: NodeJS.ProcessEnv = process.env): AuthMode {
  const mode = env.AUTH_MODE ?? 'iam';
  if (!(AUTH_MODES as readonly string[]).includes(mode)) throw new Error(`AUTH_MODE must be one of ${AUTH_MODES.join(', ')}; got "${mode}"`);
  return mode as AuthMode;
}

export function createAccessControl(options: {
  mode: AuthMode;
  tenants: unknown;
  clients: TenantClients;
  dispatcher: AsyncDispatcher;
  clock: { now(): number };
  /** The tenant's individual-memory store (issue #16), when memory is configured. */
  memoryFor?: (tenant: string) => IndividualMemoryStore;
}): AccessControl {
  const directory = new TenantDirectoryIndex(parseTenantDirectory(options.tenants ?? {}));
  const perTenant = new Map<string, Omit<TenantScope, 'idempotency' | 'individualIndex'> & { client: DynamoDBDocumentClient }>();
  return {
    mode: options.mode,
    directory,
    forCaller(caller: Caller): TenantScope {
      const { tenant } = caller;
      let t = perTenant.get(tenant);
      if (!t) {
        const client = options.clients.forTenant(tenant);
        const base = getTenantConversationStore(tenant, client);
        const conversationIndex = new DynamoIndividualIndex({
          client, tableName: getTableName(), tenant, scope: '', retentionDays: getRetentionDays(), clock: options.clock,
        });
        t = {
          client,
          store: withIndividualIndex(base, conversationIndex),
          dispatcher: tenantDispatcher(options.dispatcher, tenant),
          queue: getTenantTurnQueue(tenant, client),
          audit: new DynamoAuditLog({ client, tableName: getTableName(), tenant }),
          ...(options.memoryFor ? { memory: options.memoryFor(tenant) } : {}),
          eraser: new DynamoIndividualEraser({ client, tableName: getTableName(), tenant, onConversationErased: (id) => base.invalidate(id) }),
        };
        perTenant.set(tenant, t);
      }
      const { client, ...scope } = t;
      return {
        ...scope,
        idempotency: getTenantIdempotencyStore(tenant, caller.scope, client),
        individualIndex: new DynamoIndividualIndex({
          client, tableName: getTableName(), tenant, scope: caller.scope, retentionDays: getRetentionDays(), clock: options.clock,
        }),
      };
    },
  };
}
