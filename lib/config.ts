/**
 * Configuration of the orchestrator: ONE table of settings ({@link SETTINGS}), each a zod schema with its
 * per-environment default and a one-line doc. The same table gives
 *   - the CDK context keys (`-c key=value`, strings from the command line or JSON values from cdk.json),
 *   - the typed props of the `PolarisOrchestrator` construct ({@link OrchestratorSettings}),
 *   - the resolved {@link OrchestratorConfig} every construct reads,
 *   - the list of valid keys printed when a key is unknown or misspelled.
 *
 * Adding a setting = adding one entry to SETTINGS, e.g.
 *   memoryRetentionDays: setting(integer(1, 3650), { dev: 30, prod: 365, doc: 'days a memory item is kept' }),
 *   memoryUrl: setting(httpUrl().optional(), { doc: 'external memory service', envVar: 'MEMORY_URL' }),
 *   tenants: setting(json(z.record(z.string(), z.string())).optional(), { doc: 'identity → tenant map' }),
 * and it is validated, typed, defaulted and listed everywhere. Read it as `config.<key>`.
 *
 * The value parsers accept both the string a command line gives ("true", "30", "a,b", '{"x":1}') and the
 * native value a construct prop or cdk.json gives, so a resolved config validates again unchanged.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';
import { JwtSettingsSchema, TenantDirectorySchema, type JwtSettings, type TenantDirectory } from '../functions/contracts/access.js';

export type EnvName = 'dev' | 'prod';
export const ENV_NAMES = ['dev', 'prod'] as const satisfies readonly EnvName[];

// ---------------------------------------------------------------------------------------------------------
// Value parsers: each accepts the command-line string form and the native form, and says what it expected.

const describe = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

/** true/false (or the strings "true"/"false"). */
export function flag() {
  return z.preprocess(
    (v) => (v === 'true' ? true : v === 'false' ? false : v),
    z.boolean({ error: (i) => `must be true or false, got ${describe(i.input)}` }),
  );
}

/** An integer in min..max (or its decimal string). */
export function integer(min: number, max: number) {
  return z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number({ error: (i) => `must be an integer in ${min}..${max}, got ${describe(i.input)}` })
      .int({ error: (i) => `must be an integer in ${min}..${max}, got ${describe(i.input)}` })
      .min(min, { error: (i) => `must be an integer in ${min}..${max}, got ${describe(i.input)}` })
      .max(max, { error: (i) => `must be an integer in ${min}..${max}, got ${describe(i.input)}` }),
  );
}

/** One of a fixed list of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (i) => `must be one of ${values.join(', ')}; got ${describe(i.input)}` });
}

/** An absolute http(s) URL. */
export function httpUrl() {
  return z.string({ error: (i) => `must be an http(s) URL, got ${describe(i.input)}` }).refine(
    (s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
      } catch {
        return false;
      }
    },
    { error: (i) => `must be an http(s) URL, got ${describe(i.input)}` },
  );
}

/** An ARN of the given service whose resource part matches `resource` (e.g. /^regional\/webacl\//). */
export function arn(service: string, resource: RegExp, example: string) {
  const re = new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]*:(\\d{12})?:(.+)$`);
  return z.string({ error: (i) => `must be an ARN like ${example}, got ${describe(i.input)}` }).refine(
    (s) => {
      const m = re.exec(s);
      return m !== null && resource.test(m[2]!);
    },
    { error: (i) => `must be an ARN like ${example}, got ${describe(i.input)}` },
  );
}

/** A list: an array, or a comma-separated string ("a, b"); blanks dropped. */
export function list<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
    z.array(item, { error: (i) => `must be a comma-separated list or an array, got ${describe(i.input)}` }),
  );
}

/** A JSON value: the object itself, or its JSON text (command line). */
export function json<T extends z.ZodType>(schema: T) {
  return z.preprocess((v, ctx) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.issues.push({ code: 'custom', input: v, message: `must be JSON, got ${describe(v.length > 60 ? `${v.slice(0, 57)}...` : v)}` });
      return z.NEVER;
    }
  }, schema);
}

/** Log retention in days: only the values CloudWatch Logs accepts (never "infinite": logs may hold ids of health data). */
export const LOG_RETENTION_DAYS: readonly number[] = Object.values(logs.RetentionDays)
  .filter((d): d is number => typeof d === 'number' && d !== logs.RetentionDays.INFINITE)
  .sort((a, b) => a - b);

export function logRetentionDays() {
  return integer(1, 3653).refine((d) => LOG_RETENTION_DAYS.includes(d), {
    error: (i) => `must be a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(', ')}), got ${describe(i.input)}`,
  });
}

/**
 * The documented offline identities (local/identities.ts, README "Authentication"): the dev default of
 * `tenants` maps them, so the template `npm start` runs authorizes exactly those callers. Account 000000000000
 * does not exist, so a dev stack deployed to AWS admits nobody until `-c tenants=…` names real principals.
 */
export const LOCAL_TENANTS: TenantDirectory = {
  local: {
    clients: ['arn:aws:iam::000000000000:user/polaris-local'],
    operators: ['arn:aws:iam::000000000000:user/polaris-operator'],
  },
  'local-b': { clients: ['arn:aws:iam::000000000000:user/polaris-local-b'], operators: [] },
};

/** The offline JWT issuer (dev defaults of the jwt settings; `npm start -- --auth jwt`, `npm run token`). */
export const LOCAL_JWT: JwtSettings = {
  issuer: 'https://polaris.local/issuer',
  audience: ['polaris-orchestrator'],
  tenantClaim: 'tenant',
  roleClaim: 'role',
};

// ---------------------------------------------------------------------------------------------------------
// The settings table.

interface SettingSpec<T> {
  /** Validates one value (string or native) into T. `.optional()` for settings without a default. */
  schema: z.ZodType<T>;
  /** Default in dev / prod (or `default` for both). Without any, the setting is optional. */
  dev?: NoInfer<T>;
  prod?: NoInfer<T>;
  default?: NoInfer<T>;
  /** An environment variable read at synth time when neither context nor prop sets the key (seed names). */
  envVar?: string;
  doc: string;
}

function setting<T>(schema: z.ZodType<T>, spec: Omit<SettingSpec<T>, 'schema'>): SettingSpec<T> {
  return { schema, ...spec };
}

/**
 * Every setting, in the order the README documents them. The key is the CDK context key and the
 * construct prop name.
 */
export const SETTINGS = {
  customerManagedKey: setting(flag(), { dev: false, prod: true, doc: 'a KMS key (rotation on) for the table, logs, DLQ and alarm topic; else AWS-managed encryption' }),
  deletionProtection: setting(flag(), { dev: false, prod: true, doc: 'DynamoDB deletion protection (prod also RETAINs table, key and logs)' }),
  backupPlan: setting(flag(), { dev: false, prod: true, doc: 'daily AWS Backup plan (35 days) on top of point-in-time recovery' }),
  logRetentionDays: setting(logRetentionDays(), { dev: 14, prod: 365, doc: 'retention of every log group (a CloudWatch Logs value)' }),
  logLevel: setting(oneOf(['DEBUG', 'INFO', 'WARN', 'ERROR']), { dev: 'DEBUG', prod: 'INFO', doc: 'Powertools log level; the workflow logs ALL at DEBUG, ERROR otherwise' }),
  throttleRate: setting(integer(1, 10_000), { dev: 50, prod: 500, doc: 'API stage throttling: steady requests per second' }),
  throttleBurst: setting(integer(1, 5_000), { dev: 100, prod: 1000, doc: 'API stage throttling: burst' }),
  maxBodyBytes: setting(integer(1024, 1024 * 1024), { default: 64 * 1024, doc: 'largest request body accepted (413 above)' }),
  corsOrigins: setting(list(httpUrl()), { default: [], doc: 'allowed CORS origins (comma-separated); CORS is off unless set' }),
  stateRetentionDays: setting(integer(1, 3650), { dev: 30, prod: 365, doc: 'days a conversation is kept after its last turn (DynamoDB TTL)' }),
  storeTurnText: setting(flag(), { default: false, doc: "keep the user's raw text in turn items (health data; off by default)" }),
  orchestrateReservedConcurrency: setting(integer(1, 10_000).optional(), { prod: 200, doc: 'reserved concurrency of the orchestrate function' }),
  webAclArn: setting(
    arn('wafv2', /^regional\/webacl\/[^/]+\/[^/]+$/, 'arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>').optional(),
    { doc: 'associate a REGIONAL WAFv2 web ACL with the API stage' },
  ),
  checkpointUrl: setting(httpUrl().optional(), { envVar: 'CHECKPOINT_URL', doc: 'external checkpoint service (seed CHECKPOINT_URL); the plan catalog is the fallback' }),
  memoryUrl: setting(httpUrl().optional(), { envVar: 'MEMORY_URL', doc: 'external Memory Service, system of record for individual memory (seed MEMORY_URL); DynamoDB is the fallback and cache' }),
  memoryRetentionDays: setting(integer(1, 3650), { dev: 90, prod: 365, doc: "days an individual's memory is kept after its last write (its own DynamoDB TTL)" }),
  multitaskStrategy: setting(oneOf(['enqueue', 'reject']), { default: 'enqueue', doc: 'overlapping turns of one conversation when a request names no X-Multitask-Strategy: enqueue (in arrival order) or reject (409)' }),
  agents: setting(z.union([z.string().min(1), z.record(z.string(), z.unknown())], { error: 'must be registry JSON, an object, or a file path' }).optional(), {
    doc: 'agent registry override (JSON, object, or a file path), see docs/agents.md',
  }),
  auth: setting(oneOf(['iam', 'jwt']), { default: 'iam', doc: 'how callers authenticate: iam = API Gateway IAM (SigV4), jwt = JWT Lambda authorizer (aws-jwt-verify)' }),
  tenants: setting(
    json(TenantDirectorySchema).refine((t) => JSON.stringify(t).length <= 1400, {
      error: 'is over 1400 characters of JSON: the orchestrate function environment (4 KB in all) cannot hold it; map roles rather than many users',
    }),
    { dev: LOCAL_TENANTS, prod: {}, doc: 'auth=iam: tenant id → {"clients": [principal ARNs], "operators": [principal ARNs]}; dev maps the offline identities' },
  ),
  jwtIssuer: setting(httpUrl().optional(), { dev: LOCAL_JWT.issuer, doc: 'auth=jwt: the token issuer (`iss`)' }),
  jwtAudience: setting(list(z.string().min(1)).optional(), { dev: LOCAL_JWT.audience, doc: 'auth=jwt: accepted audiences (`aud`, comma-separated)' }),
  jwtJwksUri: setting(httpUrl().optional(), { doc: 'auth=jwt: JWKS URL (default <issuer>/.well-known/jwks.json)' }),
  jwtTenantClaim: setting(z.string().min(1), { default: 'tenant', doc: 'auth=jwt: the claim holding the tenant id' }),
  jwtRoleClaim: setting(z.string().min(1), { default: 'role', doc: 'auth=jwt: the claim holding the role (client or operator)' }),
  alarmEmail: setting(z.email({ error: (i) => `must be an email address, got ${describe(i.input)}` }).optional(), {
    doc: 'subscribe this address to the alarm topic (confirm the subscription mail)',
  }),
  samLocal: setting(flag(), { default: false, doc: 'declare local endpoint variables so `sam local invoke --env-vars` can set them (never for a deploy)' }),
} satisfies Record<string, SettingSpec<never> | SettingSpec<unknown>>;

type Settings = typeof SETTINGS;
type ValueOf<K extends keyof Settings> = Settings[K] extends SettingSpec<infer T> ? T : never;

/** The settings as typed values: what the construct takes as props (all optional) and the context gives. */
export type OrchestratorSettings = { [K in keyof Settings]: ValueOf<K> };

/** Props form: every setting optional, plus `env` to choose the defaults. */
export type OrchestratorSettingsInput = { env?: EnvName } & { [K in keyof Settings]?: Exclude<ValueOf<K>, undefined> };

/** The resolved configuration: every setting, plus values derived from them for the constructs. */
export interface OrchestratorConfig extends OrchestratorSettings {
  envName: EnvName;
  /** `logRetentionDays` as the CDK enum. */
  logRetention: logs.RetentionDays;
  /** RETAIN for prod data (table, key, logs); DESTROY for throwaway dev stacks. */
  removalPolicy: RemovalPolicy;
  /** `throttleRate` / `throttleBurst`. */
  throttle: { rateLimit: number; burstLimit: number };
  /** auth=jwt: the JWT settings gathered and checked (issuer and audience required). */
  jwt?: JwtSettings;
}

/** Keys CDK itself puts in the context (feature flags `@aws-cdk/...`, `aws:cdk:*`, lookups `x:y=z`); never ours. */
function isCdkKey(key: string): boolean {
  return /[:@/]/.test(key) || key === 'acknowledged-issue-numbers' || key === 'cli-telemetry';
}

/** Every key this app accepts, for error messages and docs. */
export const VALID_KEYS: readonly string[] = ['env', ...Object.keys(SETTINGS)];

// ---------------------------------------------------------------------------------------------------------
// Errors.

/** Bad configuration: one line per problem, each naming the key. Printed without a stack trace by bin/app.ts. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
}

function unknownKeyProblem(label: string, key: string): string {
  const near = VALID_KEYS.filter((k) => distance(k, key) <= Math.max(2, Math.floor(k.length / 4))).sort((a, b) => distance(a, key) - distance(b, key));
  const hint = near.length > 0 ? ` (did you mean ${near[0]}?)` : '';
  return `${label} "${key}" is not a setting${hint}; valid keys: ${VALID_KEYS.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------------------
// Resolution.

export interface ResolveOptions {
  /** How to name a key in messages: 'context key' (the stack) or 'prop' (the construct). */
  label?: string;
  /** Environment variables for settings with an `envVar` fallback (default: process.env). */
  env?: Record<string, string | undefined>;
}

/**
 * Validates raw settings (context values or construct props) and fills the per-environment defaults.
 * Throws {@link ConfigError} listing EVERY problem (unknown keys with the valid ones, bad values).
 */
export function resolveConfig(input: Record<string, unknown>, options: ResolveOptions = {}): OrchestratorConfig {
  const label = options.label ?? 'context key';
  const vars = options.env ?? process.env;
  const problems: string[] = [];

  const envRaw = input.env ?? 'dev';
  const envName: EnvName = (ENV_NAMES as readonly unknown[]).includes(envRaw) ? (envRaw as EnvName) : 'dev';
  if (envName !== envRaw) problems.push(`${label} "env" must be one of ${ENV_NAMES.join(', ')}; got ${describe(envRaw)}`);

  for (const key of Object.keys(input)) {
    if (key !== 'env' && !(key in SETTINGS)) problems.push(unknownKeyProblem(label, key));
  }

  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SETTINGS) as Array<[string, SettingSpec<unknown>]>) {
    const fromEnvVar = input[key] === undefined && spec.envVar !== undefined && Boolean(vars[spec.envVar]);
    const raw = fromEnvVar ? vars[spec.envVar!] : input[key];
    if (raw === undefined) {
      values[key] = envName in spec ? spec[envName] : spec.default;
      continue;
    }
    const where = (sub: PropertyKey[]): string => {
      const k = [key, ...sub.map(String)].join('.');
      return fromEnvVar ? `environment variable ${spec.envVar} ("${k}")` : `${label} "${k}"`;
    };
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) values[key] = parsed.data;
    else for (const issue of parsed.error.issues) problems.push(`${where(issue.path)} ${issue.message}`);
  }

  let jwt: JwtSettings | undefined;
  if (values['auth'] === 'jwt') {
    const parsed = JwtSettingsSchema.safeParse({
      issuer: values['jwtIssuer'],
      audience: values['jwtAudience'],
      ...(values['jwtJwksUri'] ? { jwksUri: values['jwtJwksUri'] } : {}),
      tenantClaim: values['jwtTenantClaim'],
      roleClaim: values['jwtRoleClaim'],
    });
    if (parsed.success) jwt = parsed.data;
    else problems.push(`auth=jwt needs ${label}s "jwtIssuer" and "jwtAudience" (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  const settings = values as OrchestratorSettings;
  return {
    ...settings,
    envName,
    logRetention: settings.logRetentionDays as logs.RetentionDays,
    removalPolicy: envName === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    throttle: { rateLimit: settings.throttleRate, burstLimit: settings.throttleBurst },
    ...(jwt ? { jwt } : {}),
  };
}

/** The app's own context keys (CDK's feature flags and internal keys left out). */
export function contextSettings(node: Node): Record<string, unknown> {
  return Object.fromEntries(Object.entries(node.getAllContext()).filter(([k, v]) => !isCdkKey(k) && v !== undefined));
}

/** Reads `env` and the settings from CDK context (`-c key=value`, cdk.json) and validates them. */
export function loadConfig(node: Node, options: ResolveOptions = {}): OrchestratorConfig {
  return resolveConfig(contextSettings(node), options);
}

/** The settings part of a resolved config (what the stack hands to the construct as props). */
export function settingsOf(config: OrchestratorConfig): OrchestratorSettingsInput {
  const out: Record<string, unknown> = { env: config.envName };
  for (const key of Object.keys(SETTINGS)) {
    const v = (config as unknown as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as OrchestratorSettingsInput;
}
