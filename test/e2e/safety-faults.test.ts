/**
 * The safety path through the offline stack with the human_intervention AND privacy agents replaced (by
 * HUMAN_INTERVENTION_SERVICE_URL / PRIVACY_SERVICE_URL alone) by a team service that fails: 500, garbage,
 * a hang, and a refused connection. In every mode a crisis escalates (the built-in floor), the reply carries
 * the configured guidance, the response says it is degraded, a HumanEscalationRequested event without text
 * reaches the local EventBridge — and no identifier from any turn is found anywhere in the table.
 * Then: held turns are re-screened (severity rises, the pause log records it) and redacted, and a failing
 * EventBridge never loses the committed turn.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSynth } from '../../local/synth.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { postJson } from '../../local/client.js';
import { ROOT, turnBody } from '../support/local-stack.js';

type Mode = 'status500' | 'garbage' | 'hang' | 'ok';
let mode: Mode = 'status500';
let server: http.Server;
let port = 0;
let stack: LocalStack;
let doc: DynamoDBDocumentClient;
let outDir: string;
const hanging = new Set<http.ServerResponse>();

/** Identifiers sent in turns: none of them may be stored anywhere. */
const IDS = {
  email: 'maria.lopez77@example.com',
  phone: '415-555-0134',
  ssn: '123-45-6789',
};
const withIds = (text: string) => `${text} You can reach me at ${IDS.email} or ${IDS.phone}, my SSN is ${IDS.ssn}.`;

function startTeamService(onPort = 0): Promise<void> {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (mode === 'status500') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"boom"}');
      } else if (mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"agent": 42, "flags": "yes please", "redacted_text": {"nope": true}');
      } else if (mode === 'hang') {
        hanging.add(res); // never answers
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ agent: 'x', status: 'ok', findings: {}, flags: { requires_human: false } }));
      }
    });
  });
  return new Promise((r) => server.listen(onPort, '127.0.0.1', () => r()));
}

async function stopTeamService(): Promise<void> {
  for (const res of hanging) res.destroy();
  hanging.clear();
  server.closeAllConnections?.();
  await new Promise<void>((r) => server.close(() => r()));
}

beforeAll(async () => {
  await startTeamService();
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/process`;
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safety-'));
  const { templatePath } = ensureSynth(ROOT, {
    envName: 'dev',
    force: true,
    quiet: true,
    outDir,
    env: { HUMAN_INTERVENTION_SERVICE_URL: url, PRIVACY_SERVICE_URL: url },
  });
  stack = await startLocalStack({ templatePath, apiPort: 0, silent: true, extraEnv: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: stack.dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  if (server?.listening) await stopTeamService();
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

async function turn(conversation: string, text: string): Promise<Record<string, any>> {
  const res = await postJson(`${stack.apiUrl}/orchestrate`, turnBody({ conversation_id: conversation, text, services: [] }));
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

async function scanTable(): Promise<string> {
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: stack.tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items);
}

function expectNoIdentifiers(serialized: string): void {
  expect(serialized).not.toContain(IDS.email);
  expect(serialized).not.toContain(IDS.phone);
  expect(serialized).not.toContain(IDS.ssn);
  expect(serialized).not.toContain('5550134');
}

describe('safety floor with failing human_intervention and privacy services', () => {
  it.each([
    ['status500', 'I want to end my life tonight.'],
    ['garbage', 'quiero quitarme la vida esta noche'],
    ['hang', 'my face is drooping and my speech is slurred'],
  ] as const)('%s: the crisis escalates with guidance, degraded, an event without text', async (m, text) => {
    mode = m;
    const conversation = `fault-${m}`;
    const before = stack.eventBridge.events.length;
    const body = await turn(conversation, withIds(text));
    expect(body).toMatchObject({ requires_human: true, is_paused: true, degraded: true });
    expect(body.degraded_agents).toEqual(expect.arrayContaining(['human_intervention', 'privacy']));
    expect(['error', 'timeout', 'circuit_open']).toContain(body.sync_agent_results.human_intervention[0].status);
    if (m === 'garbage') expect(body.response).toContain('988');
    else if (m === 'hang') expect(body.response).toContain('911');
    else expect(body.response).toMatch(/988/);
    const events = stack.eventBridge.events.slice(before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: 'polaris.orchestrator',
      detailType: 'HumanEscalationRequested',
      detail: { conversation_id: conversation, kind: 'escalation', source: 'floor', individual_id: 'ind-001', turn: 1 },
    });
    const serialized = JSON.stringify(events[0]);
    expect(serialized).not.toMatch(/life|vida|drooping|slurred/i);
    expectNoIdentifiers(serialized);
  }, 120_000);

  it('refused connections: the crisis still escalates', async () => {
    await stopTeamService();
    const body = await turn('fault-refused', withIds('I took a whole bottle of my sleeping pills'));
    expect(body).toMatchObject({ requires_human: true, is_paused: true, degraded: true });
    expect(body.response).toContain('911');
    await startTeamService(port);
  }, 120_000);

  it('held turns are re-screened and redacted: a higher severity is recorded and handed off again', async () => {
    mode = 'status500';
    const first = await turn('fault-held', withIds('Honestly I just want to die'));
    expect(first).toMatchObject({ requires_human: true, is_paused: true });
    expect(first.response).toContain('988');
    const before = stack.eventBridge.events.length;
    const held = await turn('fault-held', withIds('I took all of my insulin, I am shaking'));
    expect(held).toMatchObject({ requires_human: true, is_paused: true, sync_agent_results: {}, degraded: false });
    expect(held.response).toContain('911');
    const quiet = await turn('fault-held', withIds('ok'));
    expect(quiet.response).toContain('988'); // the holding reply repeats the guidance
    const events = stack.eventBridge.events.slice(before);
    expect(events.map((e) => e.detail.kind)).toEqual(['severity_increase']);
    expect(events[0]!.detail).toMatchObject({ severity: 'critical', previous_severity: 'high', category: 'overdose', turn: 2 });
  }, 120_000);

  it('a failing EventBridge is retried and never loses the committed turn', async () => {
    mode = 'ok';
    const callsBefore = stack.eventBridge.calls;
    const eventsBefore = stack.eventBridge.events.length;
    stack.eventBridge.failNext(50, 'http');
    const body = await turn('fault-bus', withIds('my chest hurts and the pain goes down my left arm'));
    stack.eventBridge.failNext(0);
    expect(body).toMatchObject({ requires_human: true, is_paused: true });
    expect(body.response).toContain('911');
    expect(stack.eventBridge.calls - callsBefore).toBeGreaterThanOrEqual(3);
    expect(stack.eventBridge.events.length).toBe(eventsBefore);
    const again = await turn('fault-bus', 'hello?');
    expect(again.response).toContain('911'); // the turn was committed: the conversation is paused
  }, 120_000);

  it('no identifier from any turn is found anywhere in the table', async () => {
    expectNoIdentifiers(await scanTable());
  });
});
