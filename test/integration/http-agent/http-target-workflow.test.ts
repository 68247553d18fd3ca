/**
 * An agent replaced by configuration only: NUTRITION_SERVICE_URL (or an AGENT_REGISTRY override) turns the
 * nutrition agent into an HTTP target; the synthesized workflow then invokes the HTTP invoker function for
 * it, whose registry comes from its own environment in the template, and the turn gets the result of the
 * local HTTP service.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../../functions/core/agent-graph.js';
import { StepFunctionsFanout } from '../../../functions/adapters/fanout.js';
import { HttpAgentClient } from '../../../functions/adapters/http-agent-client.js';
import { createHttpAgentHandler } from '../../../functions/http-agent/handler.js';
import { taskStates } from '../../../lib/asl-resolve.js';
import { localSfnClient, okAgent, okResponder, synthesizedAsl, turnInput } from '../workflow/support.js';

let server: http.Server;
let url: string;
const received: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const event = JSON.parse(body) as Record<string, unknown>;
      received.push(event);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          agent: event.agent,
          status: 'ok',
          findings: { meals: ['team-service oatmeal'], deps: Object.keys(event.dependencies as object).sort() },
          flags: {},
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/process`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

type Template = { Resources: Record<string, { Type: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }> };

function invokerRegistryJson(template: Template): string {
  const fn = Object.entries(template.Resources).find(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.includes('HttpAgentInvoker'),
  );
  expect(fn, 'the template has an HTTP agent invoker').toBeDefined();
  return fn![1].Properties!.Environment!.Variables!.AGENT_REGISTRY as string;
}

describe.each([
  ['NUTRITION_SERVICE_URL', () => ({ NUTRITION_SERVICE_URL: url })],
  ['AGENT_REGISTRY override', () => ({ AGENT_REGISTRY: JSON.stringify({ agents: { nutrition: { target: { type: 'http', url } } } }) })],
])('nutrition served over HTTP, configured by %s', (_label, env) => {
  it('the workflow invokes the HTTP invoker for nutrition and the turn gets the service result', async () => {
    received.length = 0;
    const registry = loadRegistry({ env: env() });
    expect(registry.agents.nutrition!.target).toEqual({ type: 'http', url });
    const { asl, template } = synthesizedAsl(registry);
    const tasks = Object.fromEntries(taskStates(asl).map((t) => [t.stateName, t.functionName!]));
    expect(tasks['Run nutrition']).toMatch(/HttpAgentInvoker/);
    expect(tasks['Run privacy']).toMatch(/AgentPrivacy/);

    // The invoker is built exactly as deployed: its registry comes from its environment in the template.
    const invoker = createHttpAgentHandler({
      registry: loadRegistry({ env: { AGENT_REGISTRY: invokerRegistryJson(template as Template) } }),
      client: new HttpAgentClient({ baseDelayMs: 1 }),
    });
    const client = localSfnClient(asl, async (fn, payload, state) => {
      if (fn?.includes('HttpAgentInvoker')) return invoker(payload);
      const name = state.replace(/^(Run|Respond) /, '');
      return state.startsWith('Respond') ? okResponder(name)(payload) : okAgent(name)(payload);
    });
    const fanout = new StepFunctionsFanout({ registry, stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:f', client });
    const result = await fanout.run({ input: turnInput, selection: await fanout.select(['nutrition']), responder: 'primary', deadline: Date.now() + 27_000 });

    expect(result.agents.nutrition).toMatchObject({
      status: 'ok',
      output: { agent: 'nutrition', findings: { meals: ['team-service oatmeal'], deps: ['followup', 'privacy'] } },
    });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ agent: 'nutrition', conversation_id: 'c-1', contract_version: 1 });
    expect(received[0]!.timeout_seconds).toEqual(expect.any(Number));
    expect(result.responder.output!.response).toContain('nutrition');
  });
});
