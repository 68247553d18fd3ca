/**
 * Fan-out benchmark: agents with fixed latencies run through the workflow ASL synthesized from the
 * AgentWorkflow construct (aws-local-stepfunctions, the engine of the local stack), under several latency
 * profiles. For each profile it reports, as ratios to the graph's critical path (the least time any
 * schedule can take):
 *  - agent phase of the generated (series-parallel) workflow: first agent start → last agent end, from the
 *    times the workflow itself records;
 *  - the same for the BASELINE level-per-Parallel workflow (bench/baseline/level-definition.ts), measured in
 *    the same run, and its theoretical level bound (sum of each level's slowest agent);
 *  - a sequential baseline: the same agents called one after another.
 * Run: `npx tsx bench/fanout.bench.ts` (or import `run()`).
 */
import { pathToFileURL } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import { criticalPathMs, defaultRegistry, graphAgents, RESPONDERS, topologicalLevels, type WorkflowOutput } from '../functions/core/agent-graph.js';
import { localExecutionContext, localTaskHandlers } from '../lib/asl-resolve.js';
import { synthesizedAsl, turnInput } from '../test/integration/workflow/support.js';
import { buildLevelDefinition } from './baseline/level-definition.js';

/** Latency profiles (ms per agent). The first two are the ones the issue measured. */
export const PROFILES: Record<string, Record<string, number>> = {
  reference: { privacy: 100, followup: 150, medication: 200, human_intervention: 50, nutrition: 120, checklist: 60 },
  slow_medication_nutrition: { privacy: 100, followup: 150, medication: 500, human_intervention: 50, nutrition: 300, checklist: 60 },
  slow_human_intervention: { privacy: 40, followup: 60, medication: 90, human_intervention: 250, nutrition: 80, checklist: 30 },
};

/** Back-compat: the reference profile. */
export const LATENCIES = PROFILES.reference!;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A fake agent's latency, kept close to exact: a timer fires 1–5 ms late on a busy machine, which would
 * be charged to the workflow. Sleep to 3 ms before the target, then yield with setImmediate until it.
 */
async function agentWork(ms: number): Promise<void> {
  const target = performance.now() + ms;
  if (ms > 3) await sleep(ms - 3);
  while (performance.now() < target) await new Promise((r) => setImmediate(r));
}

/** One profile's figures (ms unless named a ratio). */
export interface FanoutProfileResult {
  agents: Record<string, number>;
  critical_path_ms: number;
  level_bound_ms: number;
  agent_phase_ms_median: number;
  baseline_levels_agent_phase_ms_median: number;
  workflow_wall_ms_median: number;
  sequential_ms_median: number;
  /** agent phase / critical path of the profile (1.0 = perfect; goal ≤ 1.02). */
  ratio_agent_phase_to_critical_path: number;
  /** agent phase / critical path of the latencies the fake agents really took in that run (median). */
  ratio_agent_phase_to_measured_critical_path: number;
  ratio_baseline_levels_to_critical_path: number;
  ratio_level_bound_to_critical_path: number;
  ratio_sequential_to_critical_path: number;
  /** baseline (levels) agent phase / generated agent phase. */
  speedup_vs_levels: number;
}

/** Summary of one benchmark run. */
export interface FanoutBenchSummary {
  iterations: number;
  profiles: Record<string, FanoutProfileResult>;
  /** Worst ratio over the profiles (goal ≤ 1.02). */
  worst_ratio_agent_phase_to_critical_path: number;
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
  const generated = synthesizedAsl(registry).asl;
  const levels = buildLevelDefinition(registry);
  const agents = graphAgents(registry);
  const timeouts = Object.fromEntries([...agents, ...RESPONDERS].map((n) => [n, 10]));
  const input = { input: turnInput, mode: Object.fromEntries(agents.map((n) => [n, 'run'])), timeouts, responder: 'primary' };

  const execute = async (asl: Record<string, unknown>, latencies: Record<string, number>): Promise<{ phase: number; wall: number; measuredCritical: number }> => {
    const took: Record<string, number> = {};
    const handlers = localTaskHandlers(asl, async (_fn, _payload, state) => {
      const name = state.replace(/^(Run|Respond) /, '');
      if (state.startsWith('Respond')) return { responder: name, response: 'ok', is_enriched: false, asks_checkpoint_id: null };
      const a = performance.now();
      await agentWork(latencies[name] ?? 0);
      took[name] = performance.now() - a;
      return { agent: name, status: 'ok', findings: {}, flags: {} };
    });
    const t0 = performance.now();
    const out = (await new StateMachine(asl as never).run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      context: localExecutionContext() as never,
    }).result) as unknown as WorkflowOutput;
    const wall = performance.now() - t0;
    const recs = Object.values(out.agents);
    const start = Math.min(...recs.map((r) => Date.parse(r.started_at!)));
    const end = Math.max(...recs.map((r) => Date.parse(r.ended_at!)));
    // The critical path of what the agents really took this run (timer lateness is the agent's, not the
    // scheduler's): the ratio against it isolates what the workflow adds.
    return { phase: end - start, wall, measuredCritical: criticalPathMs(registry, agents, (a) => took[a] ?? 0) };
  };

  const profiles: Record<string, FanoutProfileResult> = {};
  for (const [name, latencies] of Object.entries(PROFILES)) {
    const phases: number[] = [];
    const overheads: number[] = [];
    const basePhases: number[] = [];
    const walls: number[] = [];
    const sequentials: number[] = [];
    for (let i = 0; i < iterations + 2; i++) {
      // Alternate the two layouts so machine noise hits both alike.
      const gen = await execute(generated, latencies);
      const base = await execute(levels, latencies);
      const s0 = performance.now();
      for (const n of agents) await agentWork(latencies[n] ?? 0);
      const seq = performance.now() - s0;
      if (i < 2) continue; // warm-up
      phases.push(gen.phase);
      overheads.push(gen.phase / gen.measuredCritical);
      walls.push(gen.wall);
      basePhases.push(base.phase);
      sequentials.push(seq);
    }
    const critical = criticalPathMs(registry, agents, (a) => latencies[a] ?? 0);
    const levelBound = topologicalLevels(registry).reduce((sum, l) => sum + Math.max(...l.map((a) => latencies[a] ?? 0)), 0);
    const phase = median(phases);
    const basePhase = median(basePhases);
    const seq = median(sequentials);
    profiles[name] = {
      agents: latencies,
      critical_path_ms: critical,
      level_bound_ms: levelBound,
      agent_phase_ms_median: round(phase, 1),
      baseline_levels_agent_phase_ms_median: round(basePhase, 1),
      workflow_wall_ms_median: round(median(walls), 1),
      sequential_ms_median: round(seq, 1),
      ratio_agent_phase_to_critical_path: round(phase / critical, 3),
      ratio_agent_phase_to_measured_critical_path: round(median(overheads), 3),
      ratio_baseline_levels_to_critical_path: round(basePhase / critical, 3),
      ratio_level_bound_to_critical_path: round(levelBound / critical, 3),
      ratio_sequential_to_critical_path: round(seq / critical, 3),
      speedup_vs_levels: round(basePhase / phase, 3),
    };
  }
  return {
    iterations,
    profiles,
    worst_ratio_agent_phase_to_critical_path: Math.max(...Object.values(profiles).map((p) => p.ratio_agent_phase_to_critical_path)),
  };
}

/** Rows for the human table printed by bench/run.ts. */
export function table(s: FanoutBenchSummary): Array<[string, string, string]> {
  return Object.entries(s.profiles).map(([name, p]) => [
    `fan-out ${name}: agent phase / critical path ${p.critical_path_ms} ms (of measured agent times)`,
    `${p.ratio_agent_phase_to_critical_path}× (${p.ratio_agent_phase_to_measured_critical_path}×)`,
    `level layout ${p.ratio_baseline_levels_to_critical_path}×, sequential ${p.ratio_sequential_to_critical_path}×`,
  ]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run()
    .then((s) => console.log(JSON.stringify(s, null, 2)))
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}
