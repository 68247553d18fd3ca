/**
 * API Gateway (REST, proxy integration) for the local stack: turns an HTTP request into the exact v1
 * proxy event API Gateway sends (resource, pathParameters, multiValue headers/query, requestContext with
 * identity and stage), invokes the route's function in the local runtime, and maps the result back.
 * Routes, methods and authorization types come from the template, and are enforced as API Gateway does:
 *   AWS_IAM  the SigV4 signature is verified (sigv4-verify.ts) against the documented local identities
 *            (identities.ts); `requestContext.identity` then carries the identity's principal ARN (`userArn`),
 *            access key and caller, exactly the fields API Gateway fills for an IAM caller. Failure → 403.
 *   CUSTOM   the method's TOKEN authorizer function (from the template, e.g. the JWT authorizer) is invoked
 *            with the token header; Allow → `requestContext.authorizer` = principalId + context; Deny → 403;
 *            a thrown `Unauthorized` or a missing token → 401. Results are cached by token for the TTL.
 *   NONE     passed through (GET /health).
 * Function errors → 502 and slow functions → 504, as in AWS.
 */
import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { LocalLambdaRuntime } from './lambda-runtime.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalRoute } from './template.js';
import { close, listen, readBody, sendJson } from './http-util.js';
import { verifySigV4 } from './sigv4-verify.js';

/** What API Gateway learned about the caller: an IAM identity or a Lambda authorizer's answer. */
type CallerContext =
  | { kind: 'none' }
  | { kind: 'iam'; principalArn: string; accessKeyId: string }
  | { kind: 'authorizer'; context: Record<string, unknown> };

/** API Gateway's integration timeout for REST APIs. */
const INTEGRATION_TIMEOUT_MS = 29_000;
const API_ID = 'local';

function matchRoute(routes: LocalRoute[], method: string, path: string): { route?: LocalRoute; params: Record<string, string>; methodAllowed: boolean } {
  let pathMatched = false;
  for (const route of routes) {
    const names: string[] = [];
    const pattern = route.resourcePath.replace(/\{([^}+]+)\+?\}/g, (_m, n: string) => {
      names.push(n);
      return '([^/]+)';
    });
    const m = path.match(new RegExp(`^${pattern}/?$`));
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method && route.method !== 'ANY') continue;
    return { route, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])), methodAllowed: true };
  }
  return { params: {}, methodAllowed: !pathMatched };
}

export function toProxyEvent(args: {
  req: http.IncomingMessage;
  url: URL;
  path: string;
  body: string | null;
  route: LocalRoute;
  params: Record<string, string>;
  stage: string;
  caller: CallerContext;
}): APIGatewayProxyEvent {
  const iam = args.caller.kind === 'iam' ? args.caller : null;
  const { req, url, route } = args;
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const k = req.rawHeaders[i]!;
    const v = req.rawHeaders[i + 1]!;
    headers[k] = v;
    (multiValueHeaders[k] ??= []).push(v);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    (multiQuery[k] ??= []).push(v);
  }
  const now = Date.now();
  const requestId = randomUUID();
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return {
    resource: route.resourcePath,
    path: args.path,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
    pathParameters: Object.keys(args.params).length ? args.params : null,
    stageVariables: null,
    body: args.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: API_ID,
      authorizer: args.caller.kind === 'authorizer' ? args.caller.context : null,
      domainName: String(req.headers.host ?? 'localhost'),
      domainPrefix: 'localhost',
      extendedRequestId: requestId,
      httpMethod: route.method,
      path: `/${args.stage}${args.path}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId,
      requestTime: new Date(now).toUTCString(),
      requestTimeEpoch: now,
      resourceId: 'local',
      resourcePath: route.resourcePath,
      stage: args.stage,
      identity: {
        accessKey: iam?.accessKeyId ?? null,
        accountId: iam ? LOCAL_ACCOUNT : null,
        apiKey: null,
        apiKeyId: null,
        caller: iam?.accessKeyId ?? null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: iam?.accessKeyId ?? null,
        userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
        userArn: iam?.principalArn ?? null,
      },
    },
  } as APIGatewayProxyEvent;
}

type AuthorizerOutcome = { ok: true; context: Record<string, unknown> } | { ok: false; status: 401 | 403 | 500; message: string };

export interface LocalApi {
  url: string;
  stop(): Promise<void>;
}

export async function startLocalApi(options: {
  port?: number;
  host?: string;
  routes: LocalRoute[];
  stage: string;
  runtime: LocalLambdaRuntime;
  onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
  /** Static pages answered before route matching (front-door.ts: /docs, /inspector); true = answered. */
  site?: (req: http.IncomingMessage, res: http.ServerResponse, path: string) => boolean;
}): Promise<LocalApi> {
  // Lambda authorizer answers cached by token, as API Gateway does (resultsCacheTtl).
  const authorizerCache = new Map<string, { until: number; result: AuthorizerOutcome }>();
  async function authorize(route: LocalRoute, req: http.IncomingMessage, path: string): Promise<AuthorizerOutcome> {
    const a = route.authorizer!;
    const method = req.method ?? 'GET';
    const token = req.headers[a.header.toLowerCase()] as string | undefined;
    if (!token) return { ok: false, status: 401, message: 'Unauthorized' };
    const cacheKey = `${a.logicalId}\n${token}`;
    const cached = authorizerCache.get(cacheKey);
    if (cached && cached.until > Date.now()) return cached.result;
    const methodArn = `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${API_ID}/${options.stage}/${method}${path}`;
    let result: AuthorizerOutcome;
    try {
      const answer = (await options.runtime.invoke(a.functionLogicalId, { type: 'TOKEN', authorizationToken: token, methodArn })) as {
        principalId?: string;
        policyDocument?: { Statement?: Array<{ Effect?: string }> };
        context?: Record<string, unknown>;
      };
      const allowed = (answer?.policyDocument?.Statement ?? []).some((st) => st.Effect === 'Allow') &&
        !(answer?.policyDocument?.Statement ?? []).some((st) => st.Effect === 'Deny');
      result = allowed
        ? { ok: true, context: { principalId: answer.principalId, ...(answer.context ?? {}) } }
        : { ok: false, status: 403, message: 'User is not authorized to access this resource' };
    } catch (err) {
      const message = (err as Error).message ?? '';
      if (!/Unauthorized/.test(message)) return { ok: false, status: 500, message: 'AuthorizerConfigurationException' };
      result = { ok: false, status: 401, message: 'Unauthorized' };
    }
    if (a.ttlSeconds > 0) authorizerCache.set(cacheKey, { until: Date.now() + a.ttlSeconds * 1000, result });
    return result;
  }

  const server = http.createServer(async (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Accept both /orchestrate and /<stage>/orchestrate (the deployed URL carries the stage).
    let path = url.pathname;
    if (path.startsWith(`/${options.stage}/`)) path = path.slice(options.stage.length + 1);
    const finish = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      sendJson(res, status, body, headers);
      options.onRequest?.({ method: req.method ?? '', path, status, ms: Date.now() - started });
    };
    try {
      if (options.site?.(req, res, path)) return options.onRequest?.({ method: req.method ?? '', path, status: res.statusCode, ms: Date.now() - started });
      const { route, params, methodAllowed } = matchRoute(options.routes, req.method ?? 'GET', path);
      if (!route) {
        return finish(methodAllowed ? 404 : 403, { message: methodAllowed ? 'Not Found' : 'Missing Authentication Token' });
      }
      const raw = await readBody(req);
      let caller: CallerContext = { kind: 'none' };
      if (route.authorizationType === 'AWS_IAM') {
        const verified = await verifySigV4(req, req.url ?? '/', raw);
        if (!verified.ok) return finish(verified.status, { message: verified.message });
        caller = { kind: 'iam', principalArn: verified.identity.principalArn, accessKeyId: verified.identity.accessKeyId };
      } else if (route.authorizationType === 'CUSTOM' && route.authorizer) {
        const outcome = await authorize(route, req, path);
        if (!outcome.ok) return finish(outcome.status, { message: outcome.message });
        caller = { kind: 'authorizer', context: outcome.context };
      } else if (route.authorizationType !== 'NONE') {
        return finish(500, { message: `authorization type ${route.authorizationType} is not emulated` });
      }
      const event = toProxyEvent({ req, url, path, body: raw.length ? raw.toString('utf8') : null, route, params, stage: options.stage, caller });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), INTEGRATION_TIMEOUT_MS);
      });
      let result: APIGatewayProxyResult | 'timeout';
      try {
        result = (await Promise.race([options.runtime.invoke(route.functionLogicalId, event), timeout])) as APIGatewayProxyResult | 'timeout';
      } catch {
        return finish(502, { message: 'Internal server error' });
      } finally {
        clearTimeout(timer);
      }
      if (result === 'timeout') return finish(504, { message: 'Endpoint request timed out' });
      if (!result || typeof result.statusCode !== 'number') return finish(502, { message: 'Internal server error' });
      const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
      for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
      const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : Buffer.from(result.body ?? '', 'utf8');
      res.writeHead(result.statusCode, { 'content-length': body.length, ...headers });
      res.end(body);
      options.onRequest?.({ method: req.method ?? '', path, status: result.statusCode, ms: Date.now() - started });
    } catch (err) {
      finish(500, { message: (err as Error).message });
    }
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 3000, host);
  // `localhost` may resolve to ::1 first; on the default loopback host answer there too (same port).
  let v6: http.Server | undefined;
  if (host === '127.0.0.1') {
    const candidate = http.createServer((req, res) => server.emit('request', req, res));
    v6 = await listen(candidate, port, '::1').then(() => candidate).catch(() => undefined);
  }
  return {
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`,
    stop: async () => {
      if (v6) await close(v6);
      await close(server);
    },
  };
}
