/**
 * HTTP client for agents that are a team's own service (registry target `{ type: "http", url }`), with
 * the seed's Service Communication Layer behaviour:
 *  - pooled keep-alive connections (node:http/https Agent; seed limits: 200 connections, 50 kept alive,
 *    30 s keep-alive expiry), created once per container;
 *  - per-service timeouts from the registry's profile (seed SERVICE_TIMEOUTS): `pool` = wait for a socket,
 *    `connect` = TCP/TLS connect, `read`/`write` = socket inactivity while sending/receiving;
 *  - the seed's retry rules (call_service_with_retry) exactly: no retry on 400/401/403/404/422; 5xx (and
 *    other statuses) and timeouts retried up to `max_retries` times with a delay of
 *    `base · rate^(n-1)` (0.5 s, 1 s, 2 s); a connection error retried only while attempt < connection_retries
 *    (seed: `if attempt > 0: break`, i.e. at most once);
 *  - response bodies capped WHILE reading (`maxResponseBytes`, default {@link DEFAULT_MAX_RESPONSE_BYTES}, env
 *    AGENT_MAX_RESPONSE_BYTES): a longer answer is cut off and is an AgentResponseError, never retried;
 *  - typed errors: AgentTimeoutError (~504), AgentUnavailableError (~502, retries exhausted or connection
 *    failed), AgentClientError (4xx without retry), AgentResponseError (not JSON / breaks the contract).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { RetryPolicy, TimeoutProfile } from '../core/agent-graph.js';

/** Seed HTTP client limits (httpx.Limits). */
export const HTTP_LIMITS = { maxConnections: 200, maxKeepAliveConnections: 50, keepAliveExpiryMs: 30_000 } as const;

/**
 * Largest agent response body read, bytes. Well under Step Functions' 256 KB payload: the output the
 * workflow carries is cut further to the turn's budget (core/payload-budget.ts); this only bounds memory and
 * time spent on a runaway answer. A privacy answer for the longest text (8000 characters) fits.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/** `AGENT_MAX_RESPONSE_BYTES` when it is a positive integer, else the default. */
export function maxResponseBytesFromEnv(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.AGENT_MAX_RESPONSE_BYTES);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_RESPONSE_BYTES;
}

/** Statuses the seed never retries. */
export const NON_RETRYABLE_STATUSES: readonly number[] = [400, 401, 403, 404, 422];

/** Base of the typed agent call errors; carries the agent, the attempts made and an HTTP-like status. */
export abstract class AgentCallError extends Error {
  abstract readonly statusCode: number;
  constructor(
    readonly agent: string,
    readonly attempts: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The agent did not answer within its timeout on the last attempt (seed: 504 "Service timeout"). */
export class AgentTimeoutError extends AgentCallError {
  override readonly name = 'AgentTimeoutError';
  readonly statusCode = 504;
}

/** Retries exhausted, or the connection failed (seed: 502 "Service failed after N attempts"). */
export class AgentUnavailableError extends AgentCallError {
  override readonly name = 'AgentUnavailableError';
  readonly statusCode = 502;
  constructor(agent: string, attempts: number, readonly lastStatus: number | null, message: string, options?: { cause?: unknown }) {
    super(agent, attempts, message, options);
  }
}

/** The agent rejected the request (400/401/403/404/422): never retried. */
export class AgentClientError extends AgentCallError {
  override readonly name = 'AgentClientError';
  readonly statusCode: number;
  constructor(agent: string, attempts: number, status: number) {
    super(agent, attempts, `agent ${agent} rejected the request with HTTP ${status}`);
    this.statusCode = status;
  }
}

/** The agent answered 2xx with a body that is not JSON or breaks the contract. */
export class AgentResponseError extends AgentCallError {
  override readonly name = 'AgentResponseError';
  readonly statusCode = 502;
}

/** What went wrong on one attempt (internal classification, as in the seed's except clauses). */
type AttemptFailure =
  | { kind: 'status'; status: number }
  | { kind: 'timeout'; phase: 'pool' | 'connect' | 'write' | 'read' }
  | { kind: 'connection'; code: string }
  | { kind: 'too_large'; limit: number };

class AttemptError extends Error {
  constructor(readonly failure: AttemptFailure) {
    super(failure.kind);
  }
}

/** Options of {@link HttpAgentClient}. */
export interface HttpAgentClientOptions {
  /** Max sockets per origin (seed MAX_CONNECTIONS). */
  maxSockets?: number;
  /** Idle sockets kept (seed MAX_KEEPALIVE_CONNECTIONS). */
  maxFreeSockets?: number;
  /** Idle socket expiry, ms (seed keepalive_expiry). */
  keepAliveExpiryMs?: number;
  /** Replaces the policy's base delay (tests: make the backoff fast); the exponent stays the seed's. */
  baseDelayMs?: number;
  /** Injected sleep (tests record the backoff delays). */
  sleep?: (ms: number) => Promise<void>;
  /** Injected clock for the deadline. */
  now?: () => number;
  /** Response bodies longer than this are cut off while reading (default: AGENT_MAX_RESPONSE_BYTES or 64 KiB). */
  maxResponseBytes?: number;
}

/** One call of {@link HttpAgentClient.call}. */
export interface HttpAgentCall {
  agent: string;
  url: string;
  payload: unknown;
  timeouts: TimeoutProfile;
  retry: RetryPolicy;
  /** Epoch ms after which no attempt starts and a running one is cut (Lambda's remaining time). */
  deadline?: number;
  headers?: Record<string, string>;
  /** HTTP method (default POST). A GET sends no body. Used by the Memory Service client (GET / PUT). */
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Statuses returned as an answer instead of an error, never retried (e.g. 404 "unknown", 409 "version moved"). */
  acceptStatuses?: readonly number[];
}

/** A successful call. */
export interface HttpAgentResponse {
  status: number;
  body: unknown;
  attempts: number;
}

/** Pooled keep-alive HTTP client with the seed's timeouts and retry rules. Create once per container. */
export class HttpAgentClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  readonly maxResponseBytes: number;

  constructor(private readonly options: HttpAgentClientOptions = {}) {
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? HTTP_LIMITS.maxConnections,
      maxFreeSockets: options.maxFreeSockets ?? HTTP_LIMITS.maxKeepAliveConnections,
      // Applied to idle pooled sockets (node resets it when a socket returns to the pool).
      timeout: options.keepAliveExpiryMs ?? HTTP_LIMITS.keepAliveExpiryMs,
      scheduling: 'lifo' as const,
    };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.maxResponseBytes = options.maxResponseBytes ?? maxResponseBytesFromEnv();
  }

  /** Delay before retry `attempt` (1-based): base · rate^(attempt-1) — seed: 0.5 s, 1 s, 2 s. */
  backoffMs(retry: RetryPolicy, attempt: number): number {
    const base = this.options.baseDelayMs ?? retry.base_delay_seconds * 1000;
    return base * Math.pow(retry.backoff_rate, attempt - 1);
  }

  /** POST (or `method`) the payload as JSON; retry per the seed; return the parsed JSON body or throw a typed error. */
  async call(call: HttpAgentCall): Promise<HttpAgentResponse> {
    const body = call.method === 'GET' || call.method === 'DELETE' ? '' : JSON.stringify(call.payload);
    let last: AttemptFailure | undefined;
    let attempts = 0;
    for (let attempt = 0; attempt <= call.retry.max_retries; attempt++) {
      if (attempt > 0) {
        const delay = this.backoffMs(call.retry, attempt);
        if (call.deadline !== undefined && this.now() + delay >= call.deadline) break;
        await this.sleep(delay);
      }
      attempts++;
      try {
        const res = await this.attempt(call, body);
        if ((res.status >= 200 && res.status < 300) || call.acceptStatuses?.includes(res.status)) {
          let parsed: unknown;
          try {
            parsed = res.text.length > 0 ? JSON.parse(res.text) : null;
          } catch (cause) {
            if (res.status >= 300) return { status: res.status, body: null, attempts };
            throw new AgentResponseError(call.agent, attempts, `agent ${call.agent} answered ${res.status} with a body that is not JSON`, { cause });
          }
          return { status: res.status, body: parsed, attempts };
        }
        last = { kind: 'status', status: res.status };
        if (NON_RETRYABLE_STATUSES.includes(res.status)) throw new AgentClientError(call.agent, attempts, res.status);
      } catch (err) {
        if (!(err instanceof AttemptError)) throw err;
        last = err.failure;
        // The same request gets the same oversized answer: no retry.
        if (last.kind === 'too_large') {
          throw new AgentResponseError(call.agent, attempts, `agent ${call.agent} answered more than ${last.limit} bytes (AGENT_MAX_RESPONSE_BYTES)`);
        }
        if (last.kind === 'connection' && attempt >= call.retry.connection_retries) break;
      }
    }
    if (last?.kind === 'timeout') {
      throw new AgentTimeoutError(call.agent, attempts, `agent ${call.agent} timed out (${last.phase}) after ${attempts} attempt(s)`);
    }
    const lastStatus = last?.kind === 'status' ? last.status : null;
    const why = last?.kind === 'connection' ? `connection failed (${last.code})` : `last status ${lastStatus ?? 'none'}`;
    throw new AgentUnavailableError(call.agent, attempts, lastStatus, `agent ${call.agent} failed after ${attempts} attempt(s): ${why}`);
  }

  /** One HTTP attempt with the profile's timeouts. Resolves with any status; rejects with AttemptError. */
  private attempt(call: HttpAgentCall, body: string): Promise<{ status: number; text: string }> {
    const url = new URL(call.url);
    const isHttps = url.protocol === 'https:';
    const t = call.timeouts;
    const remaining = call.deadline !== undefined ? Math.max(1, call.deadline - this.now()) : Infinity;
    return new Promise((resolve, reject) => {
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        timers.forEach(clearTimeout);
        fn();
      };
      const fail = (failure: AttemptFailure): void =>
        finish(() => {
          req.destroy();
          reject(new AttemptError(failure));
        });
      const req = (isHttps ? https : http).request(url, {
        method: call.method ?? 'POST',
        agent: isHttps ? this.httpsAgent : this.httpAgent,
        headers: {
          ...(call.method === 'GET' || call.method === 'DELETE' ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          accept: 'application/json',
          ...call.headers,
        },
      });
      // The whole attempt never outlives the deadline (the Lambda's remaining time).
      if (Number.isFinite(remaining)) timers.push(setTimeout(() => fail({ kind: 'timeout', phase: 'read' }), remaining));
      const poolTimer = setTimeout(() => fail({ kind: 'timeout', phase: 'pool' }), t.pool * 1000);
      timers.push(poolTimer);
      req.on('socket', (socket) => {
        clearTimeout(poolTimer);
        if (socket.connecting) {
          const connectTimer = setTimeout(() => fail({ kind: 'timeout', phase: 'connect' }), t.connect * 1000);
          timers.push(connectTimer);
          socket.once(isHttps ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
        }
      });
      // Inactivity while writing the request (write), then while waiting for/reading the response (read).
      let phase: 'write' | 'read' = 'write';
      req.on('timeout', () => fail({ kind: 'timeout', phase }));
      req.setTimeout(t.write * 1000);
      req.on('finish', () => {
        phase = 'read';
        req.setTimeout(t.read * 1000);
      });
      req.on('error', (err: NodeJS.ErrnoException) => fail({ kind: 'connection', code: err.code ?? err.message }));
      req.on('response', (res) => {
        const limit = this.maxResponseBytes;
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > limit) return fail({ kind: 'too_large', limit });
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (c: Buffer) => {
          received += c.length;
          // Stop reading at the cap: a runaway body never reaches memory in full.
          if (received > limit) fail({ kind: 'too_large', limit });
          else chunks.push(c);
        });
        res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })));
        res.on('error', (err: NodeJS.ErrnoException) => fail({ kind: 'connection', code: err.code ?? err.message }));
      });
      req.end(body);
    });
  }

  /** Close pooled sockets (tests; a Lambda container just freezes). */
  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
