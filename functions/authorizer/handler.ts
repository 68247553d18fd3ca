/**
 * JWT authorizer (auth=jwt; API Gateway TOKEN authorizer, results cached by token). Verifies the bearer token
 * with aws-jwt-verify against the configured issuer (JWT_ISSUER), audience (JWT_AUDIENCE, comma-separated)
 * and JWKS (JWT_JWKS_URI, default `<issuer>/.well-known/jwks.json`; or JWT_JWKS inline — the offline stack's
 * local key pair), including expiry and not-before. Tenant and role are read from the configured claims
 * (JWT_TENANT_CLAIM, default `tenant`; JWT_ROLE_CLAIM, default `role`) and reach the orchestrate function in
 * the authorizer context. No token or a bad one → 401 (`Unauthorized`); a valid token without a usable tenant
 * or role → an explicit Deny (403). Tokens are never logged.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { ROLES, TENANT_PATTERN } from '../contracts/access.js';

export interface JwtAuthorizerConfig {
  issuer: string;
  audience: string[];
  jwksUri?: string;
  /** Inline JWKS (JSON text): used instead of fetching (offline). */
  jwks?: string;
  tenantClaim: string;
  roleClaim: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): JwtAuthorizerConfig {
  const issuer = env.JWT_ISSUER;
  const audience = (env.JWT_AUDIENCE ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!issuer || audience.length === 0) throw new Error('JWT_ISSUER and JWT_AUDIENCE are required');
  return {
    issuer,
    audience,
    ...(env.JWT_JWKS_URI ? { jwksUri: env.JWT_JWKS_URI } : {}),
    ...(env.JWT_JWKS ? { jwks: env.JWT_JWKS } : {}),
    tenantClaim: env.JWT_TENANT_CLAIM || 'tenant',
    roleClaim: env.JWT_ROLE_CLAIM || 'role',
  };
}

/** The API-wide resource of a method ARN (`arn:…:<api>/<stage>/*`): one cached answer serves every route. */
function apiWideResource(methodArn: string): string {
  return `${methodArn.split('/').slice(0, 2).join('/')}/*`;
}

function policy(principalId: string, effect: 'Allow' | 'Deny', methodArn: string, context?: Record<string, string>): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: apiWideResource(methodArn) }] },
    ...(context ? { context } : {}),
  };
}

/** Builds the authorizer for one configuration (exported for tests). */
export function createJwtAuthorizer(config: JwtAuthorizerConfig): (event: APIGatewayTokenAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> {
  const verifier = JwtVerifier.create({
    issuer: config.issuer,
    audience: config.audience,
    jwksUri: config.jwksUri ?? `${config.issuer.replace(/\/$/, '')}/.well-known/jwks.json`,
  });
  if (config.jwks) verifier.cacheJwks(JSON.parse(config.jwks) as Parameters<typeof verifier.cacheJwks>[0]);

  return async (event) => {
    const header = event.authorizationToken ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    // API Gateway turns this exact message into a 401.
    if (!match) throw new Error('Unauthorized');
    let payload: Record<string, unknown>;
    try {
      payload = (await verifier.verify(match[1]!)) as Record<string, unknown>;
    } catch {
      throw new Error('Unauthorized');
    }
    const sub = typeof payload['sub'] === 'string' && payload['sub'] ? payload['sub'] : 'unknown';
    const tenant = payload[config.tenantClaim];
    const role = payload[config.roleClaim];
    if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant) || typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      return policy(sub, 'Deny', event.methodArn);
    }
    return policy(`${config.issuer}#${sub}`, 'Allow', event.methodArn, { tenant, role, sub });
  };
}

let authorize: ReturnType<typeof createJwtAuthorizer> | undefined;

export const handler = async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  authorize ??= createJwtAuthorizer(configFromEnv());
  return authorize(event);
};
