/**
 * registryOverrideFrom: functions get only the difference from the bundled default registry in
 * AGENT_REGISTRY (Lambda caps a function's environment at 4 KB); merging it back must give the same registry.
 */
import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { defaultRegistry, loadRegistry, mergeRegistry, registryOverrideFrom } from '../../../functions/core/agent-graph.js';
import { OrchestratorStack } from '../../../lib/orchestrator-stack.js';

describe('registryOverrideFrom', () => {
  const base = defaultRegistry();

  it('is empty for the default registry', () => {
    expect(registryOverrideFrom(base, base)).toEqual({});
  });

  it('round-trips changed, added and removed agents, profiles and breaker settings', () => {
    const changed = loadRegistry({
      env: { NUTRITION_SERVICE_URL: 'https://nutrition.example.org/process' },
      context: {
        timeouts: { default: { connect: 2, read: 9, write: 5, pool: 3 } },
        breaker: { failure_threshold: 9 },
        agents: { medication: null },
      },
    });
    const diff = registryOverrideFrom(base, changed);
    // checklist changes too: removing medication drops it from checklist's `after` list.
    expect(Object.keys(diff.agents ?? {}).sort()).toEqual(['checklist', 'medication', 'nutrition']);
    expect(diff.agents?.medication).toBeNull();
    expect(mergeRegistry(base, diff)).toEqual(changed);
    // And the orchestrator's cold-start path reads it back to the same registry.
    expect(loadRegistry({ env: { AGENT_REGISTRY: JSON.stringify(diff) } })).toEqual(changed);
  });
});

describe('function environments stay far below Lambda 4 KB limit', () => {
  it('even with several agents moved to HTTP services', () => {
    const urls = Object.fromEntries(['privacy', 'nutrition', 'followup', 'medication', 'checklist', 'primary'].map((a) => [`${a.toUpperCase()}_SERVICE_URL`, `https://${a}.agents.example.org/v1/process`]));
    const saved = { ...process.env };
    Object.assign(process.env, urls);
    try {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [], env: 'dev' } });
      const template = Template.fromStack(new OrchestratorStack(app, 'EnvSize', { env: { account: '123456789012', region: 'us-east-1' } }));
      for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
        const vars = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
        const size = Object.entries(vars).reduce((n, [k, v]) => n + k.length + (typeof v === 'string' ? v.length : JSON.stringify(v).length), 0);
        // 2.5 KB leaves room below 4 KB: the orchestrate function also carries the tenants directory (dev: the local identities).
        expect(size, id).toBeLessThan(2560);
      }
    } finally {
      process.env = saved;
    }
  });
});
