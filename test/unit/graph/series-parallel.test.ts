import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRegistry, mergeRegistry, type AgentRegistry, type RegistryOverride } from '../../../functions/core/agent-graph.js';
import { ancestorSets, decomposeSeriesParallel, spAgents, waitSets, type DependencyMap } from '../../../functions/core/series-parallel.js';
import { buildDefinition, fanoutPlan } from '../../../lib/fanout-definition.js';
import { buildLevelDefinition } from '../../../bench/baseline/level-definition.js';
import { aslWaits } from '../../support/asl-waits.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`);

/** A registry whose workflow agents are exactly `deps` (hard dependencies, or `after` when flagged). */
function registryOf(deps: DependencyMap, after: ReadonlySet<string> = new Set()): AgentRegistry {
  const base = defaultRegistry();
  const agents: NonNullable<RegistryOverride['agents']> = {};
  for (const [n, a] of Object.entries(base.agents)) if (a.role === 'agent' && a.type !== 'async') agents[n] = null;
  for (const [n, ds] of Object.entries(deps)) {
    agents[n] = {
      type: 'sync',
      dependencies: ds.filter((d) => !after.has(`${n}<${d}`)),
      after: ds.filter((d) => after.has(`${n}<${d}`)),
      target: { type: 'lambda' },
      timeout: 'default',
      retry: 'default',
    };
  }
  return mergeRegistry(base, { agents });
}

/** Random DAG: edges only from lower to higher index, so never a cycle. */
const dagArb = fc.integer({ min: 1, max: 9 }).chain((n) =>
  fc
    .array(fc.array(fc.boolean(), { minLength: n, maxLength: n }), { minLength: n, maxLength: n })
    .chain((m) =>
      fc.constant(
        Object.fromEntries(
          names(n).map((a, j) => [a, names(n).filter((_, i) => i < j && m[i]![j])]),
        ) as DependencyMap,
      ),
    ),
);

/** Random series-parallel DAG, built by composition (series: every sink of the first before every source of the second). */
type Expr = { leaf: true } | { op: 's' | 'p'; l: Expr; r: Expr };
const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant({ leaf: true } as Expr),
    fc.record({ op: fc.constantFrom('s' as const, 'p' as const), l: tie('e'), r: tie('e') }),
  ),
})).e;
function spDag(e: Expr): DependencyMap {
  let i = 0;
  const deps: Record<string, string[]> = {};
  const build = (x: Expr): { sources: string[]; sinks: string[] } => {
    if ('leaf' in x) {
      const n = `a${i++}`;
      deps[n] = [];
      return { sources: [n], sinks: [n] };
    }
    const l = build(x.l);
    const r = build(x.r);
    if (x.op === 'p') return { sources: [...l.sources, ...r.sources], sinks: [...l.sinks, ...r.sinks] };
    for (const s of r.sources) deps[s]!.push(...l.sinks);
    return { sources: l.sources, sinks: r.sinks };
  };
  build(e);
  return deps;
}

/** The order contains an induced N (a<c, b<c, b<d, nothing else among the four): not series-parallel. */
function hasN(deps: DependencyMap): boolean {
  const anc = ancestorSets(deps);
  const lt = (a: string, b: string) => anc.get(b)!.has(a);
  const cmp = (a: string, b: string) => lt(a, b) || lt(b, a);
  const nodes = Object.keys(deps);
  for (const a of nodes)
    for (const b of nodes)
      for (const c of nodes)
        for (const d of nodes) {
          if (new Set([a, b, c, d]).size < 4) continue;
          if (lt(a, c) && lt(b, c) && lt(b, d) && !cmp(a, b) && !cmp(a, d) && !cmp(c, d)) return true;
        }
  return false;
}

describe('series-parallel decomposition of the agent graph', () => {
  it('the default graph is series-parallel: nutrition waits for privacy+followup only, checklist for its three, human_intervention for nothing', () => {
    const plan = fanoutPlan(defaultRegistry());
    expect(plan.bound).toEqual({ exact: true, extra_waits: [], extra_waits_on_a_chain: 0, critical_path_factor: 1 });
    const waits = aslWaits(buildDefinition(defaultRegistry())).waits;
    const sorted = (s?: Set<string>) => [...(s ?? [])].sort();
    expect(sorted(waits.get('nutrition'))).toEqual(['followup', 'privacy']);
    expect(sorted(waits.get('checklist'))).toEqual(['followup', 'medication', 'nutrition', 'privacy']);
    for (const a of ['privacy', 'followup', 'medication', 'human_intervention']) expect(sorted(waits.get(a))).toEqual([]);
  });

  it('the structural check catches a level-per-Parallel layout (nutrition waited for medication there)', () => {
    const waits = aslWaits(buildLevelDefinition(defaultRegistry())).waits;
    expect(waits.get('nutrition')!.has('medication')).toBe(true);
    expect(waits.get('nutrition')!.has('human_intervention')).toBe(true);
  });

  it('an N-shaped graph is not series-parallel: one added wait, reported with its bound', () => {
    // a→c, b→c, b→d: d may start after b, c after a and b; any nesting makes c or d wait for more.
    const deps = { a: [], b: [], c: ['a', 'b'], d: ['b'] };
    const { root, bound } = decomposeSeriesParallel(deps);
    expect(spAgents(root)).toEqual(['a', 'b', 'c', 'd']);
    expect(bound.exact).toBe(false);
    expect(bound.extra_waits).toHaveLength(1);
    // One of the four cuts that fix an N: a after b, d after a, c after d, or d after… — each is one wait.
    const [waiter, waited] = bound.extra_waits[0]!;
    expect(ancestorSets(deps).get(waiter)!.has(waited)).toBe(false);
    expect(bound.extra_waits_on_a_chain).toBe(1);
    expect(bound.critical_path_factor).toBe(2);
  });

  it('property: random series-parallel graphs are decomposed exactly; the generated ASL makes every agent wait for exactly its ancestors', () => {
    fc.assert(
      fc.property(exprArb, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }), (expr, extra) => {
        const deps = spDag(expr) as Record<string, string[]>;
        const agents = Object.keys(deps);
        if (agents.length > 12) return;
        // Extra transitive edges keep the order (and so series-parallelism) but exercise redundant dependencies.
        const anc = ancestorSets(deps);
        for (const [i, j] of extra) {
          const a = agents[i % agents.length]!;
          const b = agents[j % agents.length]!;
          if (anc.get(b)!.has(a) && !deps[b]!.includes(a)) deps[b]!.push(a);
        }
        const plan = decomposeSeriesParallel(deps);
        expect(plan.bound.exact).toBe(true);
        const reg = registryOf(deps);
        const { waits, reads, doneAtCollect } = aslWaits(buildDefinition(reg));
        for (const a of agents) {
          expect([...waits.get(a)!].sort()).toEqual([...anc.get(a)!].sort());
          expect([...reads.get(a)!].sort()).toEqual([...new Set(deps[a])].sort());
        }
        expect([...doneAtCollect].sort()).toEqual([...agents].sort());
      }),
      { numRuns: 150 },
    );
  });

  it('property: any DAG — dependencies always respected, extra waits exactly the reported ones, exact iff no induced N', () => {
    fc.assert(
      fc.property(dagArb, fc.boolean(), (deps, someAfter) => {
        const agents = Object.keys(deps);
        const after = new Set(someAfter ? agents.flatMap((a) => deps[a]!.filter((_, i) => i % 2 === 0).map((d) => `${a}<${d}`)) : []);
        const anc = ancestorSets(deps);
        const plan = decomposeSeriesParallel(deps);
        expect(spAgents(plan.root)).toEqual([...agents].sort());
        expect(plan.bound.exact).toBe(!hasN(deps));
        const reg = registryOf(deps, after);
        const { waits, reads, doneAtCollect } = aslWaits(buildDefinition(reg));
        const extra: Array<[string, string]> = [];
        for (const a of agents) {
          const w = waits.get(a)!;
          for (const d of anc.get(a)!) expect(w.has(d)).toBe(true);
          for (const x of w) if (!anc.get(a)!.has(x)) extra.push([a, x]);
          // Every dependency output the request reads is there when the agent starts.
          for (const r of reads.get(a)!) expect(w.has(r)).toBe(true);
        }
        extra.sort((x, y) => (x[0] === y[0] ? x[1].localeCompare(y[1]) : x[0].localeCompare(y[0])));
        expect(extra).toEqual(plan.bound.extra_waits);
        // The same wait sets the decomposition itself claims.
        const claimed = waitSets(plan.root);
        for (const a of agents) expect([...waits.get(a)!].sort()).toEqual([...claimed.get(a)!].sort());
        expect([...doneAtCollect].sort()).toEqual([...agents].sort());
        expect(plan.bound.critical_path_factor).toBe(plan.bound.extra_waits_on_a_chain + 1);
        if (!plan.bound.exact) expect(plan.bound.extra_waits_on_a_chain).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });

  it('property: the reported factor bounds the workflow for random latencies (longest chain of the generated order ≤ factor × critical path)', () => {
    fc.assert(
      fc.property(dagArb, fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 9, maxLength: 9 }), (deps, lat) => {
        const agents = Object.keys(deps);
        const latency = (a: string) => lat[Number(a.slice(1))]!;
        const plan = decomposeSeriesParallel(deps);
        const anc = ancestorSets(deps);
        const finish = (wait: Map<string, Set<string>>) => {
          const memo = new Map<string, number>();
          const f = (a: string): number => memo.get(a) ?? (memo.set(a, Math.max(0, ...[...wait.get(a)!].map(f)) + latency(a)), memo.get(a)!);
          return Math.max(0, ...agents.map(f));
        };
        const critical = finish(anc);
        const generated = finish(waitSets(plan.root));
        expect(generated).toBeLessThanOrEqual(plan.bound.critical_path_factor * critical);
        if (plan.bound.exact) expect(generated).toBe(critical);
      }),
      { numRuns: 200 },
    );
  });
});
