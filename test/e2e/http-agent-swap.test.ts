/**
 * An agent replaced by a team's HTTP service by configuration only: the app is synthesized with the seed's
 * PRIVACY_SERVICE_URL pointing at a local test server, the offline stack runs that template, and a turn over
 * HTTP gets its privacy result — and its redacted text — from the team's service, through the generated
 * workflow and the HTTP invoker (no code changed).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSynth } from '../../local/synth.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { ROOT, turnBody } from '../support/local-stack.js';
import { postJson } from '../../local/client.js';
import { expectDocumented } from '../support/openapi.js';

let server: http.Server;
let stack: LocalStack;
let outDir: string;
const received: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  // The team's privacy service, seed style: POST /process with the agent contract.
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const request = JSON.parse(body) as Record<string, unknown>;
      received.push({ path: req.url, ...request });
      const text = String(request.text);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          agent: 'privacy',
          status: 'ok',
          findings: { entities: [{ type: 'name', start: 0, end: 0 }], vendor: 'team-privacy-v2' },
          flags: {},
          redacted_text: text.replace(/Maria/g, '[NAME]'),
          summary: 'Checked by the team privacy service.',
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/process`;
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-swap-'));
  const { templatePath } = ensureSynth(ROOT, { envName: 'dev', force: true, quiet: true, outDir, env: { PRIVACY_SERVICE_URL: url } });
  stack = await startLocalStack({ templatePath, apiPort: 0, silent: true, extraEnv: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

describe('privacy agent swapped for an HTTP service by PRIVACY_SERVICE_URL', () => {
  it('the synthesized workflow routes privacy to the HTTP invoker', () => {
    const invoker = [...stack.template.functions.values()].find((f) => f.cdkPath.includes('HttpAgent'));
    expect(invoker).toBeDefined();
    expect([...stack.template.functions.values()].some((f) => f.environment.AGENT_NAME === 'privacy')).toBe(false);
  });

  it('a turn gets the team service result, and dependents see its redacted text', async () => {
    const res = await postJson(
      `${stack.apiUrl}/orchestrate`,
      turnBody({ conversation_id: 'swap-1', text: 'I am Maria and I had eggs for breakfast', services: ['nutrition'] }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expectDocumented({ method: 'POST', path: '/orchestrate', status: res.status, headers: res.headers, body });
    const privacy = body.sync_agent_results.privacy[0];
    expect(privacy).toMatchObject({ status: 'ok', output: { summary: 'Checked by the team privacy service.', findings: { vendor: 'team-privacy-v2' } } });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ path: '/process', agent: 'privacy', conversation_id: 'swap-1', contract_version: 1 });
    // nutrition depends on privacy and still works on the team's redacted text.
    expect(body.sync_agent_results.nutrition[0].status).toBe('ok');
    expect(JSON.stringify(body.sync_agent_results.nutrition[0].output.findings)).toContain('egg');
  });
});
