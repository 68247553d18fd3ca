/**
 * The `sam local invoke -t cdk.out/<stack>.template.json <fn> -e events/<file>.json --env-vars events/env.json`
 * path, without SAM or Docker: for every function of the synthesized template, find its bundled asset
 * from the `aws:asset:path` metadata, load `index.mjs` and call `index.handler` with the matching event —
 * as the Lambda runtime in SAM's container would — against local DynamoDB / Step Functions / Lambda.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../../local/stack.js';
import type { LocalFunction } from '../../../local/template.js';
import { ROOT, startTestStack } from '../../support/local-stack.js';

let stack: LocalStack;
const event = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(ROOT, 'events', name), 'utf8'));

/** Which events/*.json file drives which function (by its place in the construct tree / AGENT_NAME). */
function eventFileFor(fn: LocalFunction): string {
  if (fn.cdkPath.includes('/Orchestrate/')) return 'orchestrate-turn.json';
  if (fn.cdkPath.includes('/CheckpointGenerator/')) return 'checkpoint-generator.json';
  if (fn.cdkPath.includes('/MemoryWriter/')) return 'memory-writer.json';
  const agent = fn.environment.AGENT_NAME;
  if (agent && fs.existsSync(path.join(ROOT, 'events', `agent-${agent}.json`))) return `agent-${agent}.json`;
  if (agent && fs.existsSync(path.join(ROOT, 'events', `responder-${agent}.json`))) return `responder-${agent}.json`;
  if (fn.cdkPath.includes('HttpAgent')) return 'agent-privacy.json';
  throw new Error(`no sample event for ${fn.cdkPath}`);
}

beforeAll(async () => {
  ({ stack } = await startTestStack());
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

describe('sam-style invoke of the bundled assets', () => {
  it('every function in the template has a bundled ESM asset with its handler and a sample event', () => {
    const fns = [...stack.template.functions.values()];
    expect(fns.length).toBeGreaterThanOrEqual(12);
    for (const fn of fns) {
      expect(fn.handler, fn.cdkPath).toBe('index.handler');
      expect(fs.existsSync(path.join(fn.assetDir, 'index.mjs')), `${fn.assetDir}/index.mjs`).toBe(true);
      expect(fs.existsSync(path.join(ROOT, 'events', eventFileFor(fn)))).toBe(true);
    }
  });

  it('events/env.json overrides only the endpoint and Powertools settings', () => {
    const env = event('env.json') as { Parameters: Record<string, string> };
    expect(Object.keys(env.Parameters).every((k) => k.startsWith('AWS_ENDPOINT_URL_') || k.startsWith('POWERTOOLS_'))).toBe(true);
  });

  it('orchestrate with events/orchestrate-turn.json answers a real orchestrated turn', async () => {
    const fn = [...stack.template.functions.values()].find((f) => f.cdkPath.includes('/Orchestrate/'))!;
    const result = (await stack.runtime.invoke(fn.name, event('orchestrate-turn.json'))) as { statusCode: number; headers: Record<string, string>; body: string };
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body) as Record<string, any>;
    expect(Object.keys(body).sort()).toEqual(
      ['async_agent_results', 'checkpoint_progress', 'checkpoints', 'conversation_id', 'degraded', 'degraded_agents', 'is_enriched', 'is_paused', 'requires_human', 'response', 'sync_agent_results', 'task_stack', 'timing_metrics'].sort(),
    );
    expect(body.conversation_id).toBe('sam-conv-1');
    expect(body.sync_agent_results.nutrition[0].status).toBe('ok');
    expect(result.headers['server-timing']).toContain('total;dur=');

    const health = (await stack.runtime.invoke(fn.name, event('health.json'))) as { statusCode: number; body: string };
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'healthy', service: 'orchestrator' });
  });

  it('the checkpoint generator merges into the conversation the turn created', async () => {
    const fn = [...stack.template.functions.values()].find((f) => f.cdkPath.includes('/CheckpointGenerator/'))!;
    const result = (await stack.runtime.invoke(fn.name, event('checkpoint-generator.json'))) as Record<string, unknown>;
    expect(result).toMatchObject({ conversation_id: 'sam-conv-1', task_id: 'daily_checkin_main' });
  });

  it('the memory writer applies events/memory-writer.json once (a redelivery is a no-op)', async () => {
    const fn = [...stack.template.functions.values()].find((f) => f.cdkPath.includes('/MemoryWriter/'))!;
    expect(await stack.runtime.invoke(fn.name, event('memory-writer.json'))).toEqual({ applied: true });
    expect(await stack.runtime.invoke(fn.name, event('memory-writer.json'))).toEqual({ applied: false });
  });

  it('every agent and responder function answers its sample event within the contract', async () => {
    for (const fn of stack.template.functions.values()) {
      const agent = fn.environment.AGENT_NAME;
      if (!agent) continue;
      const out = (await stack.runtime.invoke(fn.name, event(eventFileFor(fn)))) as Record<string, unknown>;
      if ('responder' in out) {
        expect(out.responder, fn.cdkPath).toBe(agent);
        expect(String(out.response).length).toBeGreaterThan(0);
      } else {
        expect(out, fn.cdkPath).toMatchObject({ agent, status: 'ok' });
      }
    }
  });
});
