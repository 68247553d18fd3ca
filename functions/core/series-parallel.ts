/**
 * Series-parallel decomposition of the agent graph: the shape the fan-out workflow is generated from
 * (nested sequences and Parallel branches), so that every agent starts when its own dependencies finish
 * instead of waiting for a whole topological level.
 *
 * The agents and their edges (hard dependencies and `after` ordering) form a partial order. A partial order
 * whose comparability graph is disconnected splits into independent parts (a Parallel); one whose
 * incomparability graph is disconnected splits into parts that follow each other (a sequence). Orders that
 * can be split this way all the way down ("series-parallel", i.e. with no N-shaped a→c, b→c, b→d) are
 * decomposed EXACTLY: an agent waits for its ancestors and for nothing else, so for any latencies the agent
 * phase equals the critical path (plus state-transition overhead).
 *
 * Any other order has a "prime" part that neither split applies to; the workflow cannot express its edges
 * (Step Functions branches cannot wait for each other), so some agent must also wait for something that is
 * not its dependency. We then cut the part into two steps at the down-closed set that adds the fewest extra
 * waits along any chain, and report the extra waits and the resulting bound: with `extra_waits_on_a_chain`
 * = k, every chain of the generated workflow is covered by k + 1 chains of the real graph, so the agent
 * phase is at most (k + 1) × the critical path for any latencies (k = 0: exact).
 */

/** A node of the decomposition. */
export type SpNode =
  | { kind: 'agent'; name: string }
  | { kind: 'series'; steps: SpNode[] }
  | { kind: 'parallel'; branches: SpNode[] };

/** What the decomposition costs compared with the real graph. */
export interface SpBound {
  /** True when no agent waits for anything but its own (transitive) dependencies. */
  exact: boolean;
  /** Pairs [waiter, waited-for] the workflow adds that are not dependencies (sorted). */
  extra_waits: Array<[string, string]>;
  /** The most added waits along one chain of the workflow (0 when exact). */
  extra_waits_on_a_chain: number;
  /** Agent phase ≤ this × the critical path, for any latencies (1 when exact). */
  critical_path_factor: number;
}

/** The decomposition and its bound. */
export interface SpDecomposition {
  root: SpNode | null;
  bound: SpBound;
}

/** Dependency lists restricted to the agents decomposed: agent → the agents it must wait for. */
export type DependencyMap = Readonly<Record<string, readonly string[]>>;

/** The strict ancestors of every agent (transitive closure of the dependency map, within its agents). */
export function ancestorSets(deps: DependencyMap): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const visit = (name: string, path: Set<string>): Set<string> => {
    const known = out.get(name);
    if (known) return known;
    if (path.has(name)) throw new Error(`dependency cycle through ${name}`);
    path.add(name);
    const set = new Set<string>();
    for (const d of deps[name] ?? []) {
      if (!(d in deps)) continue;
      set.add(d);
      for (const a of visit(d, path)) set.add(a);
    }
    path.delete(name);
    out.set(name, set);
    return set;
  };
  for (const name of Object.keys(deps)) visit(name, new Set());
  return out;
}

/** Connected components of `nodes` under `linked` (stable: in the order of `nodes`). */
function components(nodes: readonly string[], linked: (a: string, b: string) => boolean): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const start of nodes) {
    if (seen.has(start)) continue;
    const comp: string[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length > 0) {
      const n = stack.pop()!;
      comp.push(n);
      for (const m of nodes) {
        if (!seen.has(m) && linked(n, m)) {
          seen.add(m);
          stack.push(m);
        }
      }
    }
    out.push(comp.sort());
  }
  return out;
}

/** The set of agents the workflow guarantees complete before each agent starts. */
export function waitSets(root: SpNode | null): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const walk = (node: SpNode, before: ReadonlySet<string>): Set<string> => {
    if (node.kind === 'agent') {
      out.set(node.name, new Set(before));
      return new Set([node.name]);
    }
    if (node.kind === 'series') {
      const done = new Set(before);
      const produced = new Set<string>();
      for (const step of node.steps) {
        for (const n of walk(step, done)) {
          done.add(n);
          produced.add(n);
        }
      }
      return produced;
    }
    const produced = new Set<string>();
    for (const b of node.branches) for (const n of walk(b, before)) produced.add(n);
    return produced;
  };
  if (root) walk(root, new Set());
  return out;
}

/** Agents of a node, sorted. */
export function spAgents(node: SpNode | null): string[] {
  if (!node) return [];
  if (node.kind === 'agent') return [node.name];
  const parts = node.kind === 'series' ? node.steps : node.branches;
  return parts.flatMap(spAgents).sort();
}

/** How much a decomposition adds to the real graph (see the module comment). */
export function decompositionBound(root: SpNode | null, deps: DependencyMap): SpBound {
  const anc = ancestorSets(deps);
  const waits = waitSets(root);
  const extra: Array<[string, string]> = [];
  for (const [agent, set] of waits) {
    for (const w of set) if (!anc.get(agent)?.has(w)) extra.push([agent, w]);
  }
  extra.sort((a, b) => (a[0] === b[0] ? a[1].localeCompare(b[1]) : a[0].localeCompare(b[0])));
  // Longest chain of the workflow's order counting added (non-dependency) steps. Skipping an agent on a
  // chain never adds such a step, so the immediate waits suffice: a DP over agents in wait-set size order.
  const order = [...waits.keys()].sort((a, b) => waits.get(a)!.size - waits.get(b)!.size);
  const best = new Map<string, number>();
  let k = 0;
  for (const a of order) {
    let v = 0;
    for (const w of waits.get(a)!) {
      const step = anc.get(a)?.has(w) ? 0 : 1;
      v = Math.max(v, (best.get(w) ?? 0) + step);
    }
    best.set(a, v);
    k = Math.max(k, v);
  }
  return { exact: extra.length === 0, extra_waits: extra, extra_waits_on_a_chain: k, critical_path_factor: k + 1 };
}

/**
 * Decompose the agents of `deps` (agent → its dependencies; names outside the map are ignored) into nested
 * sequences and parallel branches. Exact for series-parallel orders; otherwise the best cut found (fewest
 * added waits on any chain, then fewest added waits in total). Deterministic (sorted names).
 */
export function decomposeSeriesParallel(deps: DependencyMap): SpDecomposition {
  const anc = ancestorSets(deps);
  const lt = (a: string, b: string): boolean => anc.get(b)!.has(a);
  const comparable = (a: string, b: string): boolean => lt(a, b) || lt(b, a);
  const memo = new Map<string, SpNode>();

  const build = (nodes: string[]): SpNode => {
    if (nodes.length === 1) return { kind: 'agent', name: nodes[0]! };
    const key = nodes.join(',');
    const known = memo.get(key);
    if (known) return known;
    let result: SpNode;
    const par = components(nodes, comparable);
    if (par.length > 1) {
      result = { kind: 'parallel', branches: par.map(build) };
    } else {
      const ser = components(nodes, (a, b) => a !== b && !comparable(a, b));
      if (ser.length > 1) {
        // Parts of the incomparability graph are totally ordered: sort by "some element before".
        ser.sort((x, y) => (x.some((a) => y.some((b) => lt(a, b))) ? -1 : 1));
        result = { kind: 'series', steps: ser.map(build) };
      } else {
        result = primeCut(nodes);
      }
    }
    memo.set(key, result);
    return result;
  };

  /**
   * A part that is neither parallel nor series: try cutting it at down-closed sets (an agent's ancestors
   * within the part, their union with the agent, and the topological prefixes); keep the cut whose
   * decomposition adds the fewest waits along a chain, then in total.
   */
  const primeCut = (nodes: string[]): SpNode => {
    const set = new Set(nodes);
    const down = (n: string): string[] => nodes.filter((m) => lt(m, n));
    const candidates = new Map<string, string[]>();
    const addCandidate = (lower: string[]): void => {
      if (lower.length === 0 || lower.length === nodes.length) return;
      const sorted = [...new Set(lower)].sort();
      candidates.set(sorted.join(','), sorted);
    };
    for (const n of nodes) {
      addCandidate(down(n));
      addCandidate([...down(n), n]);
    }
    // Prefixes by depth (longest chain of ancestors inside the part).
    const depth = new Map<string, number>();
    const depthOf = (n: string): number => {
      const d = depth.get(n);
      if (d !== undefined) return d;
      const v = Math.max(0, ...down(n).map((m) => depthOf(m) + 1));
      depth.set(n, v);
      return v;
    };
    const maxDepth = Math.max(...nodes.map(depthOf));
    for (let d = 0; d < maxDepth; d++) addCandidate(nodes.filter((n) => depthOf(n) <= d));
    const local: Record<string, string[]> = {};
    for (const n of nodes) local[n] = (deps[n] ?? []).filter((d) => set.has(d));
    let best: { node: SpNode; score: [number, number] } | undefined;
    for (const lower of candidates.values()) {
      const lowerSet = new Set(lower);
      const upper = nodes.filter((n) => !lowerSet.has(n));
      const node: SpNode = { kind: 'series', steps: [build(lower), build(upper)] };
      const bound = decompositionBound(node, localClosure(nodes));
      const score: [number, number] = [bound.extra_waits_on_a_chain, bound.extra_waits.length];
      if (!best || score[0] < best.score[0] || (score[0] === best.score[0] && score[1] < best.score[1])) best = { node, score };
    }
    return best!.node;
  };

  /** The order restricted to `nodes`, as a dependency map (ancestors inside the part). */
  const localClosure = (nodes: string[]): DependencyMap =>
    Object.fromEntries(nodes.map((n) => [n, nodes.filter((m) => lt(m, n))]));

  const names = Object.keys(deps).sort();
  const root = names.length === 0 ? null : build(names);
  return { root, bound: decompositionBound(root, deps) };
}
