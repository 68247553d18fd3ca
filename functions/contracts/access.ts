/**
 * Who may call the API, as configuration: the `tenants` directory (CDK context `tenants`, function env
 * `TENANTS`) maps each tenant id to the IAM principal ARNs of its client backends and of its operators, and
 * the JWT settings of `auth=jwt` deployments. One schema for the synth (lib/config.ts), the orchestrate
 * function's cold start and the offline stack, so all three reject the same mistakes.
 */
import * as z from 'zod';

/** A tenant id: part of every key of the tenant's items (`T#<tenant>#…`), so no `#`. */
export const TENANT_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The two roles a caller can have. */
export const ROLES = ['client', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** How callers authenticate: API Gateway IAM (SigV4) or a JWT Lambda authorizer. */
export const AUTH_MODES = ['iam', 'jwt'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

const principalArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/:-]+$/, { message: 'must be an IAM principal ARN (arn:aws:iam::<account>:user/… or :role/…)' });

export const TenantEntrySchema = z.strictObject({
  clients: z.array(principalArn).max(100).default([]),
  operators: z.array(principalArn).max(100).default([]),
});

/** tenant id → { clients: ARNs, operators: ARNs }. A principal may appear once in the whole directory. */
export const TenantDirectorySchema = z
  .record(z.string().regex(TENANT_PATTERN, { message: 'tenant ids are 1-64 letters, digits, dot, underscore or hyphen' }), TenantEntrySchema)
  .superRefine((dir, ctx) => {
    const seen = new Map<string, string>();
    for (const [tenant, entry] of Object.entries(dir)) {
      for (const arn of [...entry.clients, ...entry.operators]) {
        const key = normalizePrincipalArn(arn);
        const other = seen.get(key);
        if (other !== undefined) {
          ctx.addIssue({ code: 'custom', path: [tenant], message: `principal ${arn} is mapped more than once (also in ${other}); a principal has one tenant and one role` });
        }
        seen.set(key, tenant);
      }
    }
  });
export type TenantDirectory = z.infer<typeof TenantDirectorySchema>;

/** JWT verification settings (auth=jwt). Claims name where tenant and role are read from. */
export const JwtSettingsSchema = z.strictObject({
  issuer: z.string().min(1),
  audience: z.array(z.string().min(1)).min(1),
  /** Defaults to `<issuer>/.well-known/jwks.json`. */
  jwksUri: z.string().url().optional(),
  tenantClaim: z.string().min(1).default('tenant'),
  roleClaim: z.string().min(1).default('role'),
});
export type JwtSettings = z.infer<typeof JwtSettingsSchema>;

/**
 * The principal an ARN stands for, in the form the directory is matched on: an assumed-role session
 * (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`, what API Gateway reports for callers using role
 * credentials) becomes its role (`arn:aws:iam::<acct>:role/<role>`); role paths are dropped because the
 * session ARN does not carry them.
 */
export function normalizePrincipalArn(arn: string): string {
  const sts = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (sts) return `arn:${sts[1]}:iam::${sts[2]}:role/${sts[3]}`;
  const role = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (role) return `arn:${role[1]}:iam::${role[2]}:role/${role[3]}`;
  return arn;
}

/** Parse a directory from JSON text or an object; throws with every problem named. */
export function parseTenantDirectory(value: unknown): TenantDirectory {
  const raw = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  const parsed = TenantDirectorySchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new Error(`invalid tenants configuration: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
