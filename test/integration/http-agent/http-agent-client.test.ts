import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AgentClientError,
  AgentResponseError,
  DEFAULT_MAX_RESPONSE_BYTES,
  maxResponseBytesFromEnv,
  AgentTimeoutError,
  AgentUnavailableError,
  HttpAgentClient,
} from '../../../functions/adapters/http-agent-client.js';
import { createHttpAgentHandler, NotAnHttpAgentError } from '../../../functions/http-agent/handler.js';
import { defaultRegistry, mergeRegistry } from '../../../functions/core/agent-graph.js';

/** A local agent service: the path picks the behaviour; it counts requests and connections per path. */
let server: http.Server;
let base: string;
const hits = new Map<string, number>();
const connections = new Set<string>();

const okOutput = { agent: 'nutrition', status: 'ok', findings: { meals: ['oats'] }, flags: {} };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    connections.add(`${req.socket.remotePort}`);
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const send = (status: number, payload: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (path === '/ok') return send(200, okOutput);
      if (path === '/echo') return send(200, { ...okOutput, summary: `got agent ${JSON.parse(body).agent}` });
      if (path === '/422') return send(422, { detail: 'bad' });
      if (path === '/404') return send(404, { detail: 'nope' });
      if (path === '/500') return send(500, { detail: 'boom' });
      if (path === '/503-then-ok') return hits.get(path)! < 3 ? send(503, {}) : send(200, okOutput);
      if (path === '/slow') return setTimeout(() => send(200, okOutput), 400);
      if (path === '/not-json') {
        res.writeHead(200);
        return res.end('<html>');
      }
      if (path === '/huge') {
        return send(200, { ...okOutput, findings: { blob: 'x'.repeat(40_000) }, flags: { requires_human: true, severity: 'high' } });
      }
      if (path === '/ten-mb-redacted') {
        // The case: a 10 MB redacted_text, announced by content-length.
        return send(200, { agent: 'privacy', status: 'ok', findings: {}, flags: {}, redacted_text: 'y'.repeat(10 * 1024 * 1024) });
      }
      if (path === '/endless-chunked') {
        // No content-length: chunks until the client hangs up (counts what was written).
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"agent":"nutrition","status":"ok","findings":{"blob":"');
        const chunk = 'z'.repeat(16 * 1024);
        let written = 0;
        const pump = (): void => {
          while (!res.destroyed && written < 50 * 1024 * 1024) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end('"}}');
        };
        res.on('close', () => hits.set('/endless-chunked:written', written));
        return pump();
      }
      if (path === '/long-redacted') {
        return send(200, { agent: 'privacy', status: 'ok', findings: {}, flags: {}, redacted_text: 'w'.repeat(2_000) });
      }
      if (path === '/bad-contract') return send(200, { agent: 'nutrition', status: 'great' });
      send(500, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits.clear();
  connections.clear();
});

const timeouts = { connect: 1, read: 0.1, write: 1, pool: 1 };
const retry = { max_retries: 3, base_delay_seconds: 0.5, backoff_rate: 2, connection_retries: 1 };

function client(delays: number[] = []): HttpAgentClient {
  return new HttpAgentClient({
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
}

async function refusedUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return `http://127.0.0.1:${port}/process`;
}

describe('HttpAgentClient follows the seed retry rules', () => {
  it('200: one attempt, JSON body returned', async () => {
    const res = await client().call({ agent: 'nutrition', url: `${base}/ok`, payload: { a: 1 }, timeouts, retry });
    expect(res).toMatchObject({ status: 200, attempts: 1, body: okOutput });
    expect(hits.get('/ok')).toBe(1);
  });

  it('422 and 404: one attempt, AgentClientError, no backoff', async () => {
    const delays: number[] = [];
    for (const code of [422, 404]) {
      const err = await client(delays).call({ agent: 'nutrition', url: `${base}/${code}`, payload: {}, timeouts, retry }).catch((e) => e);
      expect(err).toBeInstanceOf(AgentClientError);
      expect(err).toMatchObject({ statusCode: code, attempts: 1, agent: 'nutrition' });
      expect(hits.get(`/${code}`)).toBe(1);
    }
    expect(delays).toEqual([]);
  });

  it('500: max_retries + 1 = 4 attempts with backoff 0.5 s · 2^(n-1), then AgentUnavailableError (502)', async () => {
    const delays: number[] = [];
    const err = await client(delays).call({ agent: 'nutrition', url: `${base}/500`, payload: {}, timeouts, retry }).catch((e) => e);
    expect(err).toBeInstanceOf(AgentUnavailableError);
    expect(err).toMatchObject({ statusCode: 502, attempts: 4, lastStatus: 500 });
    expect(hits.get('/500')).toBe(4);
    expect(delays).toEqual([500, 1000, 2000]);
  });

  it('5xx then success: stops retrying at the first 2xx', async () => {
    const res = await client().call({ agent: 'nutrition', url: `${base}/503-then-ok`, payload: {}, timeouts, retry });
    expect(res.attempts).toBe(3);
    expect(hits.get('/503-then-ok')).toBe(3);
  });

  it('slow: every attempt times out → 4 attempts, AgentTimeoutError (504)', async () => {
    const err = await client().call({ agent: 'nutrition', url: `${base}/slow`, payload: {}, timeouts, retry }).catch((e) => e);
    expect(err).toBeInstanceOf(AgentTimeoutError);
    expect(err).toMatchObject({ statusCode: 504, attempts: 4 });
    expect(hits.get('/slow')).toBe(4);
  });

  it('connection refused: retried at most once → 2 attempts, AgentUnavailableError', async () => {
    const delays: number[] = [];
    const err = await client(delays).call({ agent: 'nutrition', url: await refusedUrl(), payload: {}, timeouts, retry }).catch((e) => e);
    expect(err).toBeInstanceOf(AgentUnavailableError);
    expect(err).toMatchObject({ attempts: 2, lastStatus: null });
    expect(err.message).toContain('ECONNREFUSED');
    expect(delays).toEqual([500]);
  });

  it('the base delay is injectable (fast tests) and the retry count follows the policy', async () => {
    const c = new HttpAgentClient({ baseDelayMs: 1 });
    const err = await c
      .call({ agent: 'nutrition', url: `${base}/500`, payload: {}, timeouts, retry: { ...retry, max_retries: 1 } })
      .catch((e) => e);
    expect(err.attempts).toBe(2);
    expect(c.backoffMs(retry, 3)).toBe(4);
  });

  it('no attempt starts after the deadline', async () => {
    const delays: number[] = [];
    const err = await client(delays)
      .call({ agent: 'nutrition', url: `${base}/500`, payload: {}, timeouts, retry, deadline: Date.now() + 700 })
      .catch((e) => e);
    // attempt 1, wait 500 ms, attempt 2; the next 1 s wait would pass the deadline.
    expect(err.attempts).toBe(2);
    expect(delays).toEqual([500]);
  });

  it('reuses one keep-alive connection for sequential calls', async () => {
    const c = client();
    for (let i = 0; i < 5; i++) await c.call({ agent: 'nutrition', url: `${base}/ok`, payload: {}, timeouts, retry });
    expect(hits.get('/ok')).toBe(5);
    expect(connections.size).toBe(1);
    c.destroy();
  });
});

describe('http-agent handler', () => {
  const registryFor = (path: string) =>
    mergeRegistry(defaultRegistry(), {
      agents: { nutrition: { target: { type: 'http', url: `${base}${path}` } } },
      timeouts: { default: timeouts },
    });
  const event = { agent: 'nutrition', text: 'x', dependencies: {} };

  it('POSTs the flat AgentRequest and returns the validated output', async () => {
    const h = createHttpAgentHandler({ registry: registryFor('/echo'), client: client() });
    const out = await h(event);
    expect(out).toMatchObject({ agent: 'nutrition', status: 'ok', summary: 'got agent nutrition', findings: { meals: ['oats'] } });
  });

  it('maps failures to typed errors by name (the workflow Catch reads the name)', async () => {
    const timeoutErr = await createHttpAgentHandler({ registry: registryFor('/slow'), client: client() })(event).catch((e) => e);
    expect(timeoutErr.name).toBe('AgentTimeoutError');
    const notJson = await createHttpAgentHandler({ registry: registryFor('/not-json'), client: client() })(event).catch((e) => e);
    expect(notJson.name).toBe('AgentResponseError');
    const contract = await createHttpAgentHandler({ registry: registryFor('/bad-contract'), client: client() })(event).catch((e) => e);
    expect(contract.name).toBe('AgentResponseError');
    expect(contract.message).toContain('status');
  });

  it('an oversized output loses its findings but keeps its safety flags (execution payload stays small)', async () => {
    const out = (await createHttpAgentHandler({ registry: registryFor('/huge'), client: client() })(event)) as Record<string, unknown>;
    expect(out.findings).toEqual({ truncated: true });
    expect(out.flags).toEqual({ requires_human: true, severity: 'high' });
  });

  it('a 10 MB answer is cut off while reading: AgentResponseError naming the cap, no retry', async () => {
    const c = new HttpAgentClient({ maxResponseBytes: 64 * 1024, sleep: async () => {} });
    const err = await c
      .call({ agent: 'privacy', url: `${base}/ten-mb-redacted`, payload: {}, timeouts: { ...timeouts, read: 5 }, retry })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentResponseError);
    expect((err as Error).message).toContain('more than 65536 bytes');
    expect(hits.get('/ten-mb-redacted')).toBe(1);
    c.destroy();
  });

  it('a body without content-length stops being read at the cap (the server sees the hang-up)', async () => {
    const c = new HttpAgentClient({ maxResponseBytes: 32 * 1024, sleep: async () => {} });
    const err = await c
      .call({ agent: 'nutrition', url: `${base}/endless-chunked`, payload: {}, timeouts: { ...timeouts, read: 5 }, retry })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentResponseError);
    expect(hits.get('/endless-chunked')).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(hits.get('/endless-chunked:written') ?? 0).toBeLessThan(50 * 1024 * 1024);
    c.destroy();
  });

  it('the cap is configurable by AGENT_MAX_RESPONSE_BYTES and defaults well under 256 KB', () => {
    expect(maxResponseBytesFromEnv({})).toBe(DEFAULT_MAX_RESPONSE_BYTES);
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBeLessThanOrEqual(128 * 1024);
    expect(maxResponseBytesFromEnv({ AGENT_MAX_RESPONSE_BYTES: '4096' })).toBe(4096);
    expect(maxResponseBytesFromEnv({ AGENT_MAX_RESPONSE_BYTES: 'lots' })).toBe(DEFAULT_MAX_RESPONSE_BYTES);
  });

  it("a redacted_text far longer than the turn's text is an error (privacy fails closed), never cut", async () => {
    const privacyHttp = mergeRegistry(defaultRegistry(), {
      agents: { privacy: { target: { type: 'http', url: `${base}/long-redacted` } } },
      timeouts: { default: timeouts },
    });
    const h = createHttpAgentHandler({ registry: privacyHttp, client: client() });
    const err = await h({ agent: 'privacy', text: 'my email is a@b.co', dependencies: {} }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AgentResponseError');
    expect((err as Error).message).toMatch(/redacted_text of \d+ bytes/);
    const fine = await h({ agent: 'privacy', text: 'w'.repeat(2_000), dependencies: {} });
    expect((fine as Record<string, unknown>).redacted_text).toHaveLength(2_000);
  });

  it("the output is cut to the turn's max_output_bytes", async () => {
    const h = createHttpAgentHandler({ registry: registryFor('/huge'), client: client() });
    const roomy = await h({ ...event, max_output_bytes: 64 * 1024 });
    expect(JSON.stringify(roomy)).toContain('x'.repeat(40_000));
    const out = await h({ ...event, max_output_bytes: 2048 });
    expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThanOrEqual(2048);
    expect(out).toMatchObject({ agent: 'nutrition', status: 'ok', findings: { truncated: true }, flags: { requires_human: true, severity: 'high' } });
  });

  it('refuses an agent that is not an http target', async () => {
    const h = createHttpAgentHandler({ registry: registryFor('/ok'), client: client() });
    await expect(h({ agent: 'privacy' })).rejects.toBeInstanceOf(NotAnHttpAgentError);
  });
});
