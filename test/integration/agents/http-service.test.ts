/**
 * A reference agent served the way a team's own service would be — seed-style `POST /process`, same JSON —
 * and called through the orchestrator's HTTP agent client: the answer equals the in-process agent's, a
 * contract-breaking request gets 422 (never retried), and the reply parses with the orchestrator's schema.
 * This is the template for replacing an agent with an HTTP service (docs/contracts.md).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidAgentEventError, processAgentEvent } from '../../../functions/agent/handler.js';
import { REFERENCE_AGENTS } from '../../../functions/agents/index.js';
import { AgentClientError, HttpAgentClient } from '../../../functions/adapters/http-agent-client.js';
import { AgentOutputSchema } from '../../../functions/contracts/agent.js';
import { agentRequest, runAgents } from '../../unit/agents/requests.js';

let server: http.Server;
let base: string;
let requests = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests += 1;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || req.url !== '/process') return reply(404, { error: 'not found' });
      let event: unknown;
      try {
        event = JSON.parse(body);
      } catch {
        return reply(400, { error: 'body is not JSON' });
      }
      processAgentEvent(event, {}).then(
        (out) => reply(200, out),
        (err: unknown) => reply(err instanceof InvalidAgentEventError ? 422 : 500, { error: (err as Error).name, fields: (err as InvalidAgentEventError).fields }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const timeouts = { connect: 2, read: 5, write: 5, pool: 2 };
const retry = { max_retries: 2, base_delay_seconds: 0.5, backoff_rate: 2, connection_retries: 1 };

describe('a reference agent as an HTTP service (POST /process)', () => {
  it('answers exactly what the in-process agent answers, within the contract', async () => {
    const text = 'For lunch I had soup and 2 glasses of water; I will cook dinner tomorrow. Call 555-123-4567.';
    const deps = runAgents(text);
    const event = agentRequest('nutrition', text, { dependencies: { privacy: deps['privacy']!, followup: deps['followup']! } });
    const client = new HttpAgentClient({ baseDelayMs: 1 });
    const res = await client.call({ agent: 'nutrition', url: `${base}/process`, payload: event, timeouts, retry });
    expect(res.status).toBe(200);
    expect(AgentOutputSchema.parse(res.body)).toEqual(REFERENCE_AGENTS['nutrition']!(event));
    client.destroy();
  });

  it('a request that breaks the contract gets 422 and is not retried', async () => {
    const client = new HttpAgentClient({ baseDelayMs: 1 });
    const before = requests;
    const bad = { ...agentRequest('privacy', 'x'), context: { turn_number: 0 } };
    const err = await client.call({ agent: 'privacy', url: `${base}/process`, payload: bad, timeouts, retry }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentClientError);
    expect((err as AgentClientError).statusCode).toBe(422);
    expect(requests - before).toBe(1);
    client.destroy();
  });
});
