/**
 * Defence in depth for tenant isolation: the orchestrate and operator code paths reach DynamoDB through a
 * client scoped to the caller's tenant, so even a bug that builds another tenant's key cannot read or write it.
 *
 *   TENANT_SCOPING=sts      (AWS; the stack sets it with TENANT_ROLE_ARN) credentials from STS AssumeRole on
 *                           the tenant data role with the session tag `tenant=<t>`; the role's policy allows
 *                           only `dynamodb:LeadingKeys` = `T#${aws:PrincipalTag/tenant}#*`, so IAM refuses any
 *                           other key. Credentials are cached per container per tenant and refreshed
 *                           5 minutes before they expire.
 *   TENANT_SCOPING=emulate  (offline default: there is no STS) the same rule checked in-process by a client
 *                           middleware: a request whose partition key does not begin with the tenant prefix
 *                           fails with AccessDeniedException, as IAM would answer; a Scan is refused.
 *   TENANT_SCOPING=off      the container's shared client (unit tests, tools).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { tenantPrefix } from './keys.js';

export type TenantScopingMode = 'sts' | 'emulate' | 'off';

/** The scoping a container runs with, from TENANT_SCOPING (default: sts when TENANT_ROLE_ARN is set, else off). */
export function tenantScopingMode(env: NodeJS.ProcessEnv = process.env): TenantScopingMode {
  const raw = env.TENANT_SCOPING;
  if (raw === 'sts' || raw === 'emulate' || raw === 'off') return raw;
  if (raw !== undefined && raw !== '') throw new Error(`TENANT_SCOPING must be sts, emulate or off; got "${raw}"`);
  return env.TENANT_ROLE_ARN ? 'sts' : 'off';
}

/** Refresh credentials this long before they expire (the SDK itself treats < 5 min as expired). */
const REFRESH_MARGIN_MS = 6 * 60_000;
const SESSION_SECONDS = 3600;

/**
 * STS credentials per tenant, cached per container and refreshed before expiry. Concurrent first requests
 * of a tenant share one AssumeRole call.
 */
export class TenantCredentials {
  private readonly cache = new Map<string, Promise<AwsCredentialIdentity>>();

  constructor(
    private readonly options: { sts: STSClient; roleArn: string; now?: () => number; sessionSeconds?: number },
  ) {}

  /** A credentials provider for one tenant (what an SDK client's `credentials` option takes). */
  provider(tenant: string): () => Promise<AwsCredentialIdentity> {
    tenantPrefix(tenant); // validates the id
    return () => this.get(tenant);
  }

  async get(tenant: string): Promise<AwsCredentialIdentity> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(tenant);
    if (cached) {
      const creds = await cached.catch(() => undefined);
      if (creds && (creds.expiration === undefined || creds.expiration.getTime() - now > REFRESH_MARGIN_MS)) return creds;
      if (this.cache.get(tenant) !== cached) return this.get(tenant);
    }
    const fresh = this.assume(tenant);
    this.cache.set(tenant, fresh);
    fresh.catch(() => {
      if (this.cache.get(tenant) === fresh) this.cache.delete(tenant);
    });
    return fresh;
  }

  private async assume(tenant: string): Promise<AwsCredentialIdentity> {
    const out = await this.options.sts.send(
      new AssumeRoleCommand({
        RoleArn: this.options.roleArn,
        RoleSessionName: `tenant-${tenant}`.slice(0, 64),
        DurationSeconds: this.options.sessionSeconds ?? SESSION_SECONDS,
        Tags: [{ Key: 'tenant', Value: tenant }],
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole for tenant ${tenant} returned no credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
    };
  }
}

/** An AccessDeniedException like the one IAM answers for a key outside the LeadingKeys condition. */
export class TenantScopeViolation extends Error {
  override readonly name = 'AccessDeniedException';
  readonly $metadata = { httpStatusCode: 400 };
  constructor(tenant: string, detail: string) {
    super(`tenant-scoped client for "${tenant}" refused: ${detail}`);
  }
}

type Marshalled = Record<string, { S?: string } | undefined>;

/** Partition-key values a (marshalled) DynamoDB request addresses; null = cannot be scoped (Scan). */
export function partitionKeysOf(command: string, input: Record<string, unknown>): string[] | null {
  const pkOf = (m: unknown): string => String((m as Marshalled | undefined)?.['pk']?.S ?? '');
  switch (command) {
    case 'GetItemCommand':
    case 'DeleteItemCommand':
    case 'UpdateItemCommand':
      return [pkOf(input['Key'])];
    case 'PutItemCommand':
      return [pkOf(input['Item'])];
    case 'QueryCommand': {
      const expr = String(input['KeyConditionExpression'] ?? '');
      const names = (input['ExpressionAttributeNames'] ?? {}) as Record<string, string>;
      const values = (input['ExpressionAttributeValues'] ?? {}) as Marshalled;
      for (const m of expr.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
        const name = m[1]!.startsWith('#') ? names[m[1]!] : m[1];
        if (name === 'pk') return [String(values[m[2]!]?.S ?? '')];
      }
      return [''];
    }
    case 'BatchWriteItemCommand': {
      const out: string[] = [];
      for (const reqs of Object.values((input['RequestItems'] ?? {}) as Record<string, Array<Record<string, { Key?: unknown; Item?: unknown }>>>)) {
        for (const r of reqs) out.push(pkOf(r['DeleteRequest']?.Key ?? r['PutRequest']?.Item));
      }
      return out;
    }
    case 'BatchGetItemCommand': {
      const out: string[] = [];
      for (const t of Object.values((input['RequestItems'] ?? {}) as Record<string, { Keys?: unknown[] }>)) {
        for (const k of t.Keys ?? []) out.push(pkOf(k));
      }
      return out;
    }
    default:
      return null;
  }
}

/** Adds the in-process LeadingKeys check (TENANT_SCOPING=emulate) to a client. */
export function enforceLeadingKeys(client: DynamoDBClient, tenant: string): void {
  const prefix = tenantPrefix(tenant);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const keys = partitionKeysOf(String(context.commandName), args.input as Record<string, unknown>);
      if (keys === null) throw new TenantScopeViolation(tenant, `${context.commandName} cannot be limited to leading keys`);
      const outside = keys.find((k) => !k.startsWith(prefix));
      if (outside !== undefined) throw new TenantScopeViolation(tenant, `partition key outside ${prefix}*`);
      return next(args);
    },
    { step: 'build', name: 'polarisTenantLeadingKeys', priority: 'high' },
  );
}

const MARSHALL = { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } };

/** Builds (and caches per tenant) the document clients of one container. */
export class TenantClients {
  private readonly clients = new Map<string, DynamoDBDocumentClient>();
  private credentials: TenantCredentials | undefined;

  constructor(
    private readonly options: {
      mode: TenantScopingMode;
      /** The container's shared client (mode off). */
      shared: () => DynamoDBDocumentClient;
      roleArn?: string;
      sts?: STSClient;
      /** Extra work on a new low-level client (e.g. X-Ray capture). */
      decorate?: (client: DynamoDBClient) => DynamoDBClient;
    },
  ) {
    if (options.mode === 'sts' && !options.roleArn) throw new Error('TENANT_SCOPING=sts needs TENANT_ROLE_ARN');
  }

  forTenant(tenant: string): DynamoDBDocumentClient {
    if (this.options.mode === 'off') return this.options.shared();
    let doc = this.clients.get(tenant);
    if (doc) return doc;
    let low: DynamoDBClient;
    if (this.options.mode === 'sts') {
      this.credentials ??= new TenantCredentials({ sts: this.options.sts ?? new STSClient({}), roleArn: this.options.roleArn! });
      low = new DynamoDBClient({ credentials: this.credentials.provider(tenant) });
    } else {
      low = new DynamoDBClient({});
      enforceLeadingKeys(low, tenant);
    }
    low = this.options.decorate?.(low) ?? low;
    doc = DynamoDBDocumentClient.from(low, MARSHALL);
    this.clients.set(tenant, doc);
    return doc;
  }
}
