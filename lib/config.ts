/**
 * Per-environment configuration, chosen with CDK context `-c env=dev|prod` and refined by individual
 * context keys (documented in the README). Everything the stack varies by environment lives here, so a
 * reviewer sees the difference between dev and prod in one place.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

export type EnvName = 'dev' | 'prod';

export interface OrchestratorConfig {
  envName: EnvName;
  /** Retention of every log group (Lambda, API access logs, state machine). */
  logRetention: logs.RetentionDays;
  /** RETAIN for prod data (table, keys, logs); DESTROY for throwaway dev stacks. */
  removalPolicy: RemovalPolicy;
  /** DynamoDB deletion protection. */
  deletionProtection: boolean;
  /** Create a customer-managed KMS key (rotation on) for the table, logs and queues; else AWS-managed. */
  customerManagedKey: boolean;
  /** API Gateway stage throttling. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Largest request body accepted, bytes (checked in the handler; API Gateway's own cap is 10 MB). */
  maxBodyBytes: number;
  /** Allowed CORS origins; empty = CORS off. */
  corsOrigins: string[];
  /** Days a conversation is kept after its last turn (DynamoDB TTL `expires_at`). */
  stateRetentionDays: number;
  /** Store the user's raw text in turn items (off by default: it is health data). */
  storeTurnText: boolean;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Reserved concurrency for the orchestrate function (protects the table and agents); undefined = unreserved. */
  orchestrateReservedConcurrency?: number;
  /** Back the table up with an AWS Backup plan (daily, 35 days) on top of point-in-time recovery. */
  backupPlan: boolean;
  /** ARN of a WAFv2 web ACL (REGIONAL) to associate with the API stage. */
  webAclArn?: string;
  /** Optional external checkpoint service (seed CHECKPOINT_URL). */
  checkpointUrl?: string;
}

const DEFAULTS: Record<EnvName, OrchestratorConfig> = {
  dev: {
    envName: 'dev',
    logRetention: logs.RetentionDays.TWO_WEEKS,
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    customerManagedKey: false,
    throttle: { rateLimit: 50, burstLimit: 100 },
    maxBodyBytes: 64 * 1024,
    corsOrigins: [],
    stateRetentionDays: 30,
    storeTurnText: false,
    logLevel: 'DEBUG',
    backupPlan: false,
  },
  prod: {
    envName: 'prod',
    logRetention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    customerManagedKey: true,
    throttle: { rateLimit: 500, burstLimit: 1000 },
    maxBodyBytes: 64 * 1024,
    corsOrigins: [],
    stateRetentionDays: 365,
    storeTurnText: false,
    logLevel: 'INFO',
    backupPlan: true,
    orchestrateReservedConcurrency: 200,
  },
};

/** Thrown for a context value the stack cannot use; names the key and the accepted values. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function bool(v: unknown, key: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new ConfigError(`context "${key}" must be true or false, got ${JSON.stringify(v)}`);
}

function int(v: unknown, key: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`context "${key}" must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Reads `env` and the per-key overrides from CDK context. */
export function loadConfig(node: Node): OrchestratorConfig {
  const envName = (node.tryGetContext('env') ?? 'dev') as string;
  if (envName !== 'dev' && envName !== 'prod') {
    throw new ConfigError(`context "env" must be one of dev, prod; got ${JSON.stringify(envName)}`);
  }
  const base = DEFAULTS[envName];
  const get = (k: string): unknown => node.tryGetContext(k);
  const cors = get('corsOrigins');
  const level = get('logLevel');
  if (level !== undefined && !['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(String(level))) {
    throw new ConfigError(`context "logLevel" must be one of DEBUG, INFO, WARN, ERROR; got ${JSON.stringify(level)}`);
  }
  const retentionDays = int(get('logRetentionDays'), 'logRetentionDays', 1, 3653);
  return {
    ...base,
    customerManagedKey: bool(get('customerManagedKey'), 'customerManagedKey') ?? base.customerManagedKey,
    deletionProtection: bool(get('deletionProtection'), 'deletionProtection') ?? base.deletionProtection,
    storeTurnText: bool(get('storeTurnText'), 'storeTurnText') ?? base.storeTurnText,
    logRetention: (retentionDays as logs.RetentionDays | undefined) ?? base.logRetention,
    throttle: {
      rateLimit: int(get('throttleRate'), 'throttleRate', 1, 10_000) ?? base.throttle.rateLimit,
      burstLimit: int(get('throttleBurst'), 'throttleBurst', 1, 5_000) ?? base.throttle.burstLimit,
    },
    maxBodyBytes: int(get('maxBodyBytes'), 'maxBodyBytes', 1024, 1024 * 1024) ?? base.maxBodyBytes,
    corsOrigins:
      cors === undefined
        ? base.corsOrigins
        : (Array.isArray(cors) ? cors.map(String) : String(cors).split(',')).map((s) => s.trim()).filter(Boolean),
    stateRetentionDays: int(get('stateRetentionDays'), 'stateRetentionDays', 1, 3650) ?? base.stateRetentionDays,
    logLevel: (level as OrchestratorConfig['logLevel'] | undefined) ?? base.logLevel,
    orchestrateReservedConcurrency:
      int(get('orchestrateReservedConcurrency'), 'orchestrateReservedConcurrency', 1, 10_000) ??
      base.orchestrateReservedConcurrency,
    // The seed's CHECKPOINT_URL works as an environment variable at synth time too.
    checkpointUrl: (get('checkpointUrl') as string | undefined) ?? (process.env.CHECKPOINT_URL || undefined) ?? base.checkpointUrl,
    backupPlan: bool(get('backupPlan'), 'backupPlan') ?? base.backupPlan,
    webAclArn: (get('webAclArn') as string | undefined) ?? base.webAclArn,
  };
}
