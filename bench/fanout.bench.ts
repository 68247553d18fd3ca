/**
 * Fan-out benchmark: agents with fixed latencies run through the workflow ASL synthesized from the
 * AgentWorkflow construct (aws-local-stepfunctions, the engine of the local stack). Reports, as ratios to
 * the graph's critical path (the least time any schedule can take):
 *  - agent phase: first agent start → last agent end, from the times the workflow itself records;
 *  - level bound: what a level-by-level schedule must take (sum of each level's slowest agent);
 *  - sequential baseline: the same agents called one after another, measured in the same run.
 * Run: `npx tsx bench/fanout.bench.ts` (or import `run()`).
 */
import { pathToFileURL } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import { criticalPathMs, defaultRegistry, graphAgents, RESPONDERS, topologicalLevels, type WorkflowOutput } from '../functions/core/agent-graph.js';
import { localExecutionContext, localTaskHandlers } from '../lib/asl-resolve.js';
import { synthesizedAsl, turnInput } from '../test/integration/workflow/support.js';

/** Fixed latencies (ms) of the fake agents. */
export const LATENCIES: Record<string, number> = {
  privacy: 100,
  followup: 150,
  medication: 200,
  human_intervention: 50,
  nutrition: 120,
  checklist: 60,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Summary of one benchmark run (ms unless named a ratio). */
export interface FanoutBenchSummary {
  iterations: number;
  agents: Record<string, number>;
  critical_path_ms: number;
  level_bound_ms: number;
  agent_phase_ms_median: number;
  workflow_wall_ms_median: number;
  sequential_ms_median: number;
  /** agent phase / critical path (1.0 = perfect; the level barrier alone gives level_bound / critical_path). */
  ratio_agent_phase_to_critical_path: number;
  ratio_level_bound_to_critical_path: number;
  ratio_sequential_to_critical_path: number;
  /** sequential / agent phase. */
  speedup_vs_sequential: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Run the benchmark; returns the summary (also printed when run as a script). */
export async function run(options: { iterations?: number } = {}): Promise<FanoutBenchSummary> {
  const iterations = options.iterations ?? 7;
  const registry = defaultRegistry();
  const { asl } = synthesizedAsl(registry);
  const agents = graphAgents(registry);
  const timeouts = Object.fromEntries([...agents, ...RESPONDERS].map((n) => [n, 10]));
  const handlers = localTaskHandlers(asl, async (_fn, payload, state) => {
    const name = state.replace(/^(Run|Respond) /, '');
    if (state.startsWith('Respond')) return { responder: name, response: 'ok', is_enriched: false, asks_checkpoint_id: null };
    await sleep(LATENCIES[name] ?? 0);
    return { agent: name, status: 'ok', findings: {}, flags: {} };
  });
  const machine = new StateMachine(asl as never);
  const input = { input: turnInput, mode: Object.fromEntries(agents.map((n) => [n, 'run'])), timeouts, responder: 'primary' };

  const phases: number[] = [];
  const walls: number[] = [];
  const sequentials: number[] = [];
  for (let i = 0; i < iterations + 1; i++) {
    const t0 = performance.now();
    const out = (await machine.run(input as never, { overrides: { taskResourceLocalHandlers: handlers as never }, context: localExecutionContext() as never })
      .result) as unknown as WorkflowOutput;
    const wall = performance.now() - t0;
    const recs = Object.values(out.agents);
    const start = Math.min(...recs.map((r) => Date.parse(r.started_at!)));
    const end = Math.max(...recs.map((r) => Date.parse(r.ended_at!)));
    const s0 = performance.now();
    for (const n of agents) await sleep(LATENCIES[n] ?? 0);
    const seq = performance.now() - s0;
    if (i === 0) continue; // warm-up
    phases.push(end - start);
    walls.push(wall);
    sequentials.push(seq);
  }
  const critical = criticalPathMs(registry, agents, (a) => LATENCIES[a] ?? 0);
  const levelBound = topologicalLevels(registry).reduce((sum, l) => sum + Math.max(...l.map((a) => LATENCIES[a] ?? 0)), 0);
  const phase = median(phases);
  const seq = median(sequentials);
  return {
    iterations,
    agents: LATENCIES,
    critical_path_ms: critical,
    level_bound_ms: levelBound,
    agent_phase_ms_median: round(phase, 1),
    workflow_wall_ms_median: round(median(walls), 1),
    sequential_ms_median: round(seq, 1),
    ratio_agent_phase_to_critical_path: round(phase / critical),
    ratio_level_bound_to_critical_path: round(levelBound / critical),
    ratio_sequential_to_critical_path: round(seq / critical),
    speedup_vs_sequential: round(seq / phase),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run()
    .then((s) => console.log(JSON.stringify(s, null, 2)))
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}
