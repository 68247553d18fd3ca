/**
 * The agent dependency graph: which agents a turn runs (requested services closed over their
 * dependencies, plus core agents), topological levels and the critical path. The registry itself lives in
 * agent-registry.ts, the workflow's JSON contract in workflow-contract.ts, the series-parallel
 * decomposition the ASL is generated from in series-parallel.ts; they are re-exported here so callers keep
 * one import.
 */
import { agentEdges as edges, RegistryValidationError, UnknownServiceError, type AgentRegistry } from './agent-registry.js';

export * from './agent-registry.js';
export * from './workflow-contract.js';

/** Names a request's `services` may contain: every non-responder agent (core, sync, async). */
export function selectableServices(registry: AgentRegistry): string[] {
  return Object.values(registry.agents)
    .filter((a) => a.role === 'agent')
    .map((a) => a.name)
    .sort();
}

/**
 * The requested services plus everything they (transitively) depend on. Optional `after` agents are not
 * pulled in: they only order the graph. Throws UnknownServiceError for names that are not selectable.
 */
export function closeOverDependencies(registry: AgentRegistry, services: readonly string[]): string[] {
  const accepted = selectableServices(registry);
  const unknown = services.filter((s) => !accepted.includes(s));
  if (unknown.length > 0) throw new UnknownServiceError([...new Set(unknown)], accepted);
  const out = new Set<string>();
  const add = (name: string): void => {
    if (out.has(name)) return;
    out.add(name);
    for (const dep of registry.agents[name]!.dependencies) add(dep);
  };
  for (const s of services) add(s);
  return [...out].sort();
}

/** Which agents a turn runs (before circuit breakers are consulted). */
export interface GraphSelection {
  /** Sync and core agents to run in the workflow (closed over dependencies). */
  run: string[];
  /** Async agents to invoke after the commit. */
  async: string[];
}

/** Requested services closed over dependencies, plus every core agent; split into workflow and async. */
export function selectAgents(registry: AgentRegistry, services: readonly string[]): GraphSelection {
  const core = Object.values(registry.agents)
    .filter((a) => a.role === 'agent' && a.type === 'core')
    .map((a) => a.name);
  const all = closeOverDependencies(registry, [...services, ...core]);
  return {
    run: all.filter((n) => registry.agents[n]!.type !== 'async'),
    async: all.filter((n) => registry.agents[n]!.type === 'async'),
  };
}

/** The agents that run inside the workflow graph (role agent, not async), sorted. */
export function graphAgents(registry: AgentRegistry): string[] {
  return Object.values(registry.agents)
    .filter((a) => a.role === 'agent' && a.type !== 'async')
    .map((a) => a.name)
    .sort();
}

/**
 * Topological levels of the workflow graph (hard dependencies and `after` ordering): level 0 has no
 * dependencies; an agent sits one level after its deepest dependency (as early as possible). Names are
 * sorted within a level so the generated ASL is stable. Pass `agents` to level a subset (edges to agents
 * outside the subset are ignored).
 */
export function topologicalLevels(registry: AgentRegistry, agents: readonly string[] = graphAgents(registry)): string[][] {
  const subset = new Set(agents);
  const level = new Map<string, number>();
  const depth = (name: string, path: Set<string>): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    if (path.has(name)) throw new RegistryValidationError([{ code: 'cycle', agents: [...path], message: `dependency cycle through ${name}` }]);
    path.add(name);
    let d = 0;
    for (const dep of edges(registry.agents[name]!)) {
      if (subset.has(dep)) d = Math.max(d, depth(dep, path) + 1);
    }
    path.delete(name);
    level.set(name, d);
    return d;
  };
  for (const name of subset) depth(name, new Set());
  const levels: string[][] = [];
  for (const [name, d] of level) (levels[d] ??= []).push(name);
  return levels.map((l) => l.sort());
}

/**
 * Longest chain of `latencyOf(agent)` through the graph (the critical path): the least wall time any
 * schedule of these agents can take. Used by the fan-out benchmark.
 */
export function criticalPathMs(registry: AgentRegistry, agents: readonly string[], latencyOf: (agent: string) => number): number {
  const subset = new Set(agents);
  const memo = new Map<string, number>();
  const finish = (name: string): number => {
    const m = memo.get(name);
    if (m !== undefined) return m;
    let start = 0;
    for (const dep of edges(registry.agents[name]!)) if (subset.has(dep)) start = Math.max(start, finish(dep));
    const f = start + latencyOf(name);
    memo.set(name, f);
    return f;
  };
  let max = 0;
  for (const a of subset) max = Math.max(max, finish(a));
  return max;
}
