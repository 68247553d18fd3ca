/**
 * Tenant access: who may call the API and what the orchestrate function may touch on a caller's behalf.
 *   - the tenant data role: assumed by the orchestrate function with the session tag `tenant=<t>`; its only
 *     permission is item access on the table where `dynamodb:LeadingKeys` = `T#${aws:PrincipalTag/tenant}#*`,
 *     so a request built for another tenant's key is refused by IAM (defence in depth under the key design);
 *   - the orchestrate function's own table access shrinks to the deployment's shared items (circuit breakers,
 *     `BREAKER#*`): tenant data is reached only through the tenant role;
 *   - auth=jwt: the JWT authorizer function (aws-jwt-verify), cached by token for 5 minutes;
 *   - the function environment the access layer reads (AUTH_MODE, TENANTS, TENANT_SCOPING, TENANT_ROLE_ARN).
 */
import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { OrchestratorConfig } from '../config.js';
import { OrchestratorFunction } from './function.js';

/** Item actions a tenant's requests need (no Scan: it cannot be limited to leading keys). */
export const TENANT_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

/** The LeadingKeys pattern of the tenant role: the session's tenant tag, as keys.ts spells the prefix. */
export const TENANT_LEADING_KEYS = 'T#${aws:PrincipalTag/tenant}#*';

export interface TenantAccessProps {
  config: OrchestratorConfig;
  table: dynamodb.ITable;
  key?: kms.IKey;
  /** The orchestrate function (assumes the tenant role; gets the access environment). */
  orchestrate: OrchestratorFunction;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  logLevel: OrchestratorConfig['logLevel'];
}

export class TenantAccess extends Construct {
  readonly tenantRole: iam.Role;
  readonly authorizer?: apigw.TokenAuthorizer;
  readonly authorizerFunction?: OrchestratorFunction;

  constructor(scope: Construct, id: string, props: TenantAccessProps) {
    super(scope, id);
    const { config, table, orchestrate } = props;
    const fnRole = orchestrate.role;

    this.tenantRole = new iam.Role(this, 'TenantDataRole', {
      description: 'Tenant-scoped table access, assumed per tenant by the orchestrate function with the session tag tenant=<id>',
      assumedBy: new iam.SessionTagsPrincipal(new iam.ArnPrincipal(fnRole.roleArn)).withConditions({
        StringLike: { 'aws:RequestTag/tenant': '?*' },
      }),
      maxSessionDuration: Duration.hours(1),
    });
    this.tenantRole.addToPolicy(
      new iam.PolicyStatement({
        actions: TENANT_ITEM_ACTIONS,
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [TENANT_LEADING_KEYS] } },
      }),
    );
    props.key?.grantEncryptDecrypt(this.tenantRole);
    fnRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: [this.tenantRole.roleArn] }),
    );

    // The function's own access: the deployment's shared items only (circuit breakers).
    fnRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['BREAKER#*'] } },
      }),
    );
    props.key?.grantEncryptDecrypt(fnRole);

    const fn = orchestrate.fn;
    // AUTH_MODE defaults to iam and TENANT_SCOPING to sts when TENANT_ROLE_ARN is set (the environment is capped at 4 KB).
    if (config.auth !== 'iam') fn.addEnvironment('AUTH_MODE', config.auth);
    fn.addEnvironment('TENANTS', JSON.stringify(config.tenants));
    fn.addEnvironment('TENANT_ROLE_ARN', this.tenantRole.roleArn);
    // samLocal (never deployed): no STS on the machine, so the LeadingKeys rule is emulated in-process.
    if (config.samLocal) fn.addEnvironment('TENANT_SCOPING', 'emulate');

    if (config.auth === 'jwt' && config.jwt) {
      const jwt = config.jwt;
      this.authorizerFunction = new OrchestratorFunction(this, 'JwtAuthorizer', {
        entry: 'functions/authorizer/handler.ts',
        description: 'JWT authorizer: verifies issuer, audience, signature and expiry (aws-jwt-verify); tenant and role from claims',
        serviceName: 'jwt-authorizer',
        memorySize: 256,
        timeout: Duration.seconds(10),
        logRetention: props.logRetention,
        removalPolicy: props.removalPolicy,
        logLevel: props.logLevel,
        logKey: props.key,
        environment: {
          JWT_ISSUER: jwt.issuer,
          JWT_AUDIENCE: jwt.audience.join(','),
          ...(jwt.jwksUri ? { JWT_JWKS_URI: jwt.jwksUri } : {}),
          JWT_TENANT_CLAIM: jwt.tenantClaim,
          JWT_ROLE_CLAIM: jwt.roleClaim,
        },
      });
      // Results are cached by token (the identity source) for 5 minutes.
      this.authorizer = new apigw.TokenAuthorizer(this, 'Authorizer', {
        handler: this.authorizerFunction.fn,
        identitySource: apigw.IdentitySource.header('Authorization'),
        resultsCacheTtl: Duration.minutes(5),
      });
    }
  }
}
