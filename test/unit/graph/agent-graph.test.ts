import { describe, expect, it } from 'vitest';
import {
  closeOverDependencies,
  criticalPathMs,
  defaultRegistry,
  loadRegistry,
  mergeRegistry,
  RegistryOverrideError,
  RegistryValidationError,
  selectableServices,
  selectAgents,
  topologicalLevels,
  UnknownServiceError,
  validateRegistry,
  type AgentRegistry,
  type RegistryOverride,
} from '../../../functions/core/agent-graph.js';

function invalid(override: RegistryOverride, base: AgentRegistry = defaultRegistry()): RegistryValidationError {
  try {
    validateRegistry(mergeRegistry(base, override));
  } catch (e) {
    if (e instanceof RegistryValidationError) return e;
    throw e;
  }
  throw new Error('expected the registry to be rejected');
}

describe('default registry', () => {
  it('is valid and matches the seed: nutrition after privacy + followup, history async, core safety agents', () => {
    const r = loadRegistry({ env: {} });
    expect(r.agents.nutrition!.dependencies).toEqual(['privacy', 'followup']);
    expect(r.agents.history!.type).toBe('async');
    expect(r.agents.privacy!.type).toBe('core');
    expect(r.agents.human_intervention!.type).toBe('core');
    expect(r.agents.primary!.role).toBe('responder');
    expect(r.agents.human_intervention!.timeout).toBe('human_intervention');
    expect(r.timeouts.primary_enriched).toEqual({ connect: 5, read: 60, write: 30, pool: 15 });
  });

  it('levels: independent agents first, nutrition after its dependencies, checklist after the optional ones', () => {
    const r = defaultRegistry();
    expect(topologicalLevels(r)).toEqual([
      ['followup', 'human_intervention', 'medication', 'privacy'],
      ['nutrition'],
      ['checklist'],
    ]);
  });

  it('levels a subset, ignoring edges to agents outside it', () => {
    const r = defaultRegistry();
    expect(topologicalLevels(r, ['checklist', 'privacy'])).toEqual([['checklist', 'privacy']]);
    expect(topologicalLevels(r, ['checklist', 'followup'])).toEqual([['followup'], ['checklist']]);
  });

  it('selectable services exclude responders', () => {
    const s = selectableServices(defaultRegistry());
    expect(s).toContain('history');
    expect(s).toContain('nutrition');
    expect(s).not.toContain('primary');
    expect(s).not.toContain('therapy');
  });
});

describe('closure and selection', () => {
  const r = defaultRegistry();
  it('closes over hard dependencies transitively, not over optional `after` agents', () => {
    expect(closeOverDependencies(r, ['nutrition'])).toEqual(['followup', 'nutrition', 'privacy']);
    expect(closeOverDependencies(r, ['checklist'])).toEqual(['checklist']);
    expect(closeOverDependencies(r, [])).toEqual([]);
  });
  it('adds core agents and splits async ones', () => {
    expect(selectAgents(r, ['nutrition', 'history'])).toEqual({
      run: ['followup', 'human_intervention', 'nutrition', 'privacy'],
      async: ['history'],
    });
  });
  it('rejects unknown services and responders, naming them', () => {
    const e = (() => {
      try {
        closeOverDependencies(r, ['nutrition', 'astrology', 'primary']);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(UnknownServiceError);
    expect((e as UnknownServiceError).services).toEqual(['astrology', 'primary']);
  });
});

describe('validation errors name the agents involved', () => {
  it('unknown dependency', () => {
    const e = invalid({ agents: { nutrition: { dependencies: ['privacy', 'diet'] } } });
    expect(e.problems.map((p) => p.code)).toEqual(['unknown_dependency']);
    expect(e.agents).toEqual(['diet', 'nutrition']);
    expect(e.message).toContain('nutrition depends on unknown agent diet');
  });
  it('unknown optional (after) dependency', () => {
    const e = invalid({ agents: { checklist: { after: ['nutritoin'] } } });
    expect(e.problems[0]!.code).toBe('unknown_dependency');
  });
  it('cycle', () => {
    const e = invalid({ agents: { privacy: { dependencies: ['nutrition'] } } });
    const cycle = e.problems.find((p) => p.code === 'cycle')!;
    expect([...cycle.agents].sort()).toEqual(['nutrition', 'privacy']);
    expect(e.message).toMatch(/cycle/);
  });
  it('cycle through an after edge', () => {
    const e = invalid({ agents: { followup: { after: ['checklist'] } } });
    expect(e.problems.map((p) => p.code)).toContain('cycle');
    expect(e.agents).toEqual(expect.arrayContaining(['checklist', 'followup']));
  });
  it('sync agent depending on an async one', () => {
    const e = invalid({ agents: { nutrition: { dependencies: ['privacy', 'history'] } } });
    expect(e.problems.map((p) => p.code)).toEqual(['sync_depends_on_async']);
    expect(e.agents).toEqual(['history', 'nutrition']);
  });
  it('depending on a responder', () => {
    const e = invalid({ agents: { nutrition: { dependencies: ['primary'] } } });
    expect(e.problems[0]!.code).toBe('depends_on_responder');
  });
  it('unknown target type', () => {
    const e = invalid({ agents: { medication: { target: { type: 'grpc' } as never } } });
    expect(e.problems.map((p) => p.code)).toEqual(['unknown_target']);
    expect(e.agents).toEqual(['medication']);
  });
  it('http target without a url', () => {
    const e = invalid({ agents: { medication: { target: { type: 'http' } as never } } });
    expect(e.problems.map((p) => p.code)).toEqual(['missing_url']);
  });
  it('unknown timeout profile and retry policy', () => {
    const e = invalid({ agents: { followup: { timeout: 'glacial', retry: 'forever' } } });
    expect(e.problems.map((p) => p.code).sort()).toEqual(['unknown_retry_policy', 'unknown_timeout_profile']);
    expect(e.message).toContain('glacial');
  });
  it('a missing responder', () => {
    const e = invalid({ agents: { therapy: null } });
    expect(e.problems.map((p) => p.code)).toEqual(['missing_responder']);
    expect(e.agents).toEqual(['therapy']);
  });
  it('bad names and bad shapes', () => {
    expect(invalid({ agents: { 'Bad-Name': { type: 'sync', target: { type: 'lambda' } } } }).problems[0]!.code).toBe('invalid_name');
    expect(invalid({ agents: { followup: { type: 'sometimes' as never } } }).problems[0]!).toMatchObject({ code: 'invalid_shape', agents: ['followup'] });
  });
  it('collects several problems into one error', () => {
    const e = invalid({ agents: { nutrition: { dependencies: ['diet'] }, medication: { timeout: 'x' } } });
    expect(e.problems).toHaveLength(2);
    expect(e.agents).toEqual(['diet', 'medication', 'nutrition']);
  });
});

describe('overrides', () => {
  it('removing an agent drops it from optional after lists', () => {
    const r = mergeRegistry(defaultRegistry(), { agents: { medication: null } });
    validateRegistry(r);
    expect(r.agents.checklist!.after).toEqual(['nutrition', 'followup']);
  });
  it('CDK context (object), then env AGENT_REGISTRY (inline JSON), then *_SERVICE_URL', () => {
    const r = loadRegistry({
      context: { agents: { followup: { timeout: 'checklist' } }, breaker: { failure_threshold: 2 } },
      env: {
        AGENT_REGISTRY: JSON.stringify({ agents: { medication: { retry: 'none' } } }),
        NUTRITION_SERVICE_URL: 'https://nutrition.example.com/process',
      },
    });
    expect(r.agents.followup!.timeout).toBe('checklist');
    expect(r.breaker).toEqual({ failure_threshold: 2, cool_down_seconds: 30 });
    expect(r.agents.medication!.retry).toBe('none');
    expect(r.agents.nutrition!.target).toEqual({ type: 'http', url: 'https://nutrition.example.com/process' });
    expect(r.agents.privacy!.target).toEqual({ type: 'lambda' });
  });
  it('PRIMARY_SERVICE_URL turns the primary responder into an http target', () => {
    const r = loadRegistry({ env: { PRIMARY_SERVICE_URL: 'http://localhost:8004/process' } });
    expect(r.agents.primary!.target).toEqual({ type: 'http', url: 'http://localhost:8004/process' });
  });
  it('reads a file path through readFile, and refuses a path without it', () => {
    const files: Record<string, string> = { '/etc/agents.json': JSON.stringify({ agents: { history: null } }) };
    const r = loadRegistry({ env: { AGENT_REGISTRY: '/etc/agents.json' }, readFile: (p) => files[p]! });
    expect(r.agents.history).toBeUndefined();
    expect(() => loadRegistry({ env: { AGENT_REGISTRY: '/etc/agents.json' } })).toThrow(RegistryOverrideError);
    expect(() => loadRegistry({ context: '{not json' })).toThrow(/CDK context "agents".*not valid JSON/);
  });
  it('an invalid override fails loading', () => {
    expect(() => loadRegistry({ env: { AGENT_REGISTRY: '{"agents":{"nutrition":{"dependencies":["history"]}}}' } })).toThrow(
      RegistryValidationError,
    );
  });
  it('a full registry round-trips through JSON as an override (what the stack puts in the env)', () => {
    const r = loadRegistry({ env: { NUTRITION_SERVICE_URL: 'https://n.example/process' } });
    expect(loadRegistry({ env: { AGENT_REGISTRY: JSON.stringify(r) } })).toEqual(r);
  });
});

describe('critical path', () => {
  it('is the longest latency chain', () => {
    const r = defaultRegistry();
    const lat: Record<string, number> = { privacy: 100, followup: 50, nutrition: 80, medication: 200, checklist: 10, human_intervention: 30 };
    // privacy(100) → nutrition(80) → checklist(10) = 190; medication(200) → checklist(10) = 210
    expect(criticalPathMs(r, Object.keys(lat), (a) => lat[a]!)).toBe(210);
  });
});
