/**
 * OrchestratorFunction: a NodejsFunction with the house defaults fixed in one place — nodejs24.x on
 * arm64, ESM bundle with the require shim (the X-Ray SDK does dynamic require), minified, AWS SDK bundled
 * (faster cold start than loading the runtime's copy), explicit log group with retention, active tracing.
 *
 * Cold start (measured by `npm run bench`, bench/coldstart.bench.ts): the SDK clients resolve credentials
 * from the environment only (functions/adapters/env-credentials.ts replaces the default provider chain, which
 * would bundle SSO/INI/STS clients no function uses), the SDK's lazily loaded event-stream support is left out
 * (functions/adapters/no-event-streams.ts), and source maps are off unless `-c sourceMaps=true`
 * (`--enable-source-maps` costs ~15 ms and ~13 MiB per cold start; the maps are then shipped and enabled).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repository root (lib/constructs/../..). */
export const PROJECT_ROOT = path.resolve(here, '..', '..');
/** The one source of the version: package.json (defined into every bundle as __POLARIS_VERSION__). */
export const PACKAGE_VERSION: string = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * `sam local invoke --env-vars` only overrides variables the template declares. With `-c samLocal=true`
 * every function declares the local endpoints (defaults for DynamoDB Local and friends on the Docker
 * host) so events/env.json can point them elsewhere. Never set for a deploy.
 */
function samLocalEnvironment(scope: Construct): Record<string, string> {
  const on = scope.node.tryGetContext('samLocal');
  if (on !== true && on !== 'true') return {};
  return {
    AWS_ENDPOINT_URL_DYNAMODB: 'http://host.docker.internal:8000',
    AWS_ENDPOINT_URL_SFN: 'http://host.docker.internal:8083',
    AWS_ENDPOINT_URL_LAMBDA: 'http://host.docker.internal:3001',
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
}

export interface OrchestratorFunctionProps {
  /** Entry file relative to the project root, e.g. `functions/orchestrate/handler.ts`. */
  entry: string;
  description: string;
  /** Powertools service name (logs, metrics namespace dimension). */
  serviceName: string;
  memorySize?: number;
  timeout?: Duration;
  environment?: Record<string, string>;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  logLevel: string;
  reservedConcurrentExecutions?: number;
  /** Key for the log group (HIPAA: encrypt logs at rest with a customer key when one is configured). */
  logKey?: kms.IKey;
}

/** `-c sourceMaps=true`: ship source maps and enable them (readable stack traces, slower cold start). */
function sourceMapsEnabled(scope: Construct): boolean {
  const v = scope.node.tryGetContext('sourceMaps');
  return v === true || v === 'true';
}

export class OrchestratorFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OrchestratorFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
      encryptionKey: props.logKey,
    });
    // Own role instead of AWSLambdaBasicExecutionRole (logs:* on every log group): this function may
    // write to its own log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName}: runtime role`,
    });
    this.logGroup.grantWrite(this.role);
    const sourceMaps = sourceMapsEnabled(this);
    this.fn = new nodejs.NodejsFunction(this, 'Fn', {
      role: this.role,
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: 'PolarisOrchestrator',
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        ...samLocalEnvironment(scope),
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: sourceMaps,
        sourcesContent: false,
        esbuildArgs: {
          '--alias:@aws-sdk/credential-provider-node': path.join(PROJECT_ROOT, 'functions/adapters/env-credentials.ts'),
          '--alias:@smithy/core/event-streams': path.join(PROJECT_ROOT, 'functions/adapters/no-event-streams.ts'),
        },
        bundleAwsSDK: true,
        forceDockerBundling: false,
        mainFields: ['module', 'main'],
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        define: { __POLARIS_VERSION__: JSON.stringify(PACKAGE_VERSION) },
      },
    });
  }
}
