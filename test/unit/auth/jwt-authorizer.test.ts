/**
 * The JWT authorizer (auth=jwt) with aws-jwt-verify against the offline key pair: valid, expired, wrong
 * issuer, wrong audience, missing tenant claim, bad role, not a bearer token, tampered signature; and the
 * offline API front enforcing it (401/403, context reaching the event, answers cached by token).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createJwtAuthorizer } from '../../../functions/authorizer/handler.js';
import { LOCAL_JWT } from '../../../lib/config.js';
import { localJwks, localToken } from '../../../local/jwt.js';
import { startLocalApi, type LocalApi } from '../../../local/apigw-server.js';
import type { LocalLambdaRuntime } from '../../../local/lambda-runtime.js';

const authorize = createJwtAuthorizer({ ...LOCAL_JWT, jwks: localJwks() });
const methodArn = 'arn:aws:execute-api:us-east-1:000000000000:api1/dev/POST/orchestrate';
const run = (token: string) => authorize({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn });

describe('JWT authorizer', () => {
  it('a valid token → Allow for the whole API, tenant and role in the context', async () => {
    const out = await run(localToken({ tenant: 'local-b', role: 'operator', sub: 'nurse-1' }));
    expect(out.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:000000000000:api1/dev/*' });
    expect(out.context).toMatchObject({ tenant: 'local-b', role: 'operator', sub: 'nurse-1' });
    expect(out.principalId).toBe(`${LOCAL_JWT.issuer}#nurse-1`);
  });

  it.each([
    ['expired', localToken({ expiresIn: -60 })],
    ['wrong issuer', localToken({ issuer: 'https://evil.example.org' })],
    ['wrong audience', localToken({ audience: 'someone-else' })],
    ['tampered payload', (() => { const [h, , s] = localToken().split('.'); return `${h}.${Buffer.from(JSON.stringify({ iss: LOCAL_JWT.issuer, aud: LOCAL_JWT.audience[0], tenant: 'local', role: 'operator', exp: 9e9 })).toString('base64url')}.${s}`; })()],
    ['not a JWT', 'hello'],
  ])('%s → Unauthorized (401)', async (_name, token) => {
    await expect(run(token)).rejects.toThrow('Unauthorized');
  });

  it('no bearer scheme → Unauthorized', async () => {
    await expect(authorize({ type: 'TOKEN', authorizationToken: localToken(), methodArn })).rejects.toThrow('Unauthorized');
  });

  it.each([
    ['missing tenant claim', { tenant: undefined }],
    ['tenant with a #', { tenant: 'a#b' }],
    ['missing role claim', { role: undefined }],
    ['unknown role', { role: 'admin' }],
  ])('%s → Deny (403)', async (_name, claims) => {
    const out = await run(localToken({ claims }));
    expect(out.policyDocument.Statement[0]!.Effect).toBe('Deny');
    expect(out.context).toBeUndefined();
  });
});

describe('offline API front with a TOKEN authorizer', () => {
  let api: LocalApi;
  const seen: APIGatewayProxyEvent[] = [];
  let authorizerCalls = 0;
  beforeAll(async () => {
    const runtime = {
      invoke: async (fn: string, event: unknown) => {
        if (fn === 'Authorizer') {
          authorizerCalls++;
          return authorize(event as Parameters<typeof authorize>[0]);
        }
        seen.push(event as APIGatewayProxyEvent);
        return { statusCode: 200, headers: {}, body: '{}' };
      },
    } as unknown as LocalLambdaRuntime;
    const authorizer = { logicalId: 'Auth', functionLogicalId: 'Authorizer', header: 'Authorization', ttlSeconds: 300 };
    api = await startLocalApi({
      port: 0,
      stage: 'dev',
      runtime,
      routes: [
        { method: 'POST', resourcePath: '/orchestrate', authorizationType: 'CUSTOM', functionLogicalId: 'Fn', authorizer },
        { method: 'GET', resourcePath: '/health', authorizationType: 'NONE', functionLogicalId: 'Fn' },
      ],
    });
  });
  afterAll(async () => api.stop());

  const post = (headers: Record<string, string>) => fetch(`${api.url}/orchestrate`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

  it('no token → 401, expired → 401, no tenant → 403; the function is not called', async () => {
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: `Bearer ${localToken({ expiresIn: -10 })}` })).status).toBe(401);
    expect((await post({ authorization: `Bearer ${localToken({ claims: { tenant: undefined } })}` })).status).toBe(403);
    expect(seen).toHaveLength(0);
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
  });

  it('a valid token reaches the function with the authorizer context; the answer is cached by token', async () => {
    const token = localToken({ tenant: 'local', role: 'client', sub: 'backend-1' });
    const before = authorizerCalls;
    expect((await post({ authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await post({ authorization: `Bearer ${token}` })).status).toBe(200);
    expect(authorizerCalls - before).toBe(1);
    expect(seen.at(-1)!.requestContext.authorizer).toMatchObject({ tenant: 'local', role: 'client', principalId: `${LOCAL_JWT.issuer}#backend-1` });
  });
});
