/**
 * API Gateway (REST, proxy integration) for the local stack: turns an HTTP request into the exact v1
 * proxy event API Gateway sends (resource, pathParameters, multiValue headers/query, requestContext with
 * identity and stage), invokes the route's function in the local runtime, and maps the result back.
 * Routes, methods and authorization types come from the template. Methods with AWS_IAM authorization
 * need an `Authorization` header (signatures are not checked locally; the caller's ARN comes from
 * `X-Local-Principal`, default a local operator). Function errors → 502 and slow functions → 504, as in AWS.
 */
import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { LocalLambdaRuntime } from './lambda-runtime.js';
import { LOCAL_ACCOUNT, type LocalRoute } from './template.js';
import { close, listen, readBody, sendJson } from './http-util.js';

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
  principal: string | null;
}): APIGatewayProxyEvent {
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
      authorizer: null,
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
        accessKey: null,
        accountId: args.principal ? LOCAL_ACCOUNT : null,
        apiKey: null,
        apiKeyId: null,
        caller: args.principal,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: args.principal,
        userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
        userArn: args.principal,
      },
    },
  } as APIGatewayProxyEvent;
}

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
      let principal: string | null = null;
      if (route.authorizationType === 'AWS_IAM') {
        if (!req.headers.authorization) return finish(403, { message: 'Missing Authentication Token' });
        principal = String(req.headers['x-local-principal'] ?? `arn:aws:iam::${LOCAL_ACCOUNT}:user/local-operator`);
      }
      const raw = await readBody(req);
      const event = toProxyEvent({ req, url, path, body: raw.length ? raw.toString('utf8') : null, route, params, stage: options.stage, principal });
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
