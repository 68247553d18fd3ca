/**
 * `npm run bench`: every benchmark in bench/, each reporting figures next to a baseline measured in the
 * same run (never absolute wall-clock claims). Prints a short human table, then one JSON document, and
 * writes the JSON to bench/results/latest.json (ignored by git).
 *
 * To add a benchmark: export `run(): Promise<summary>` (and optionally `table(summary)` → rows of
 * [figure, value, baseline]) and add one line to BENCHMARKS. `npm run bench -- fanout state` runs a subset.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A row of the human table: what, the figure, its baseline from the same run. */
export type BenchRow = [figure: string, value: string, baseline: string];

interface BenchModule {
  run(): Promise<unknown>;
  table?(summary: never): BenchRow[];
}

/** name → loader. Keep this a plain list. */
const BENCHMARKS: Array<[string, () => Promise<BenchModule>]> = [
  // DynamoDB requests and bytes per turn, warm vs cold container, cache hit rate.
  ['state', () => import('./state.bench.js')],
  // Agent phase / the graph's critical path through the synthesized ASL, vs the level layout and sequential.
  ['fanout', () => import('./fanout.bench.js')],
  // DynamoDB requests per turn with individual memory vs without (first turn, warm turn).
  ['memory', () => import('./memory.bench.js')],
  // Crisis-screen recall / false alarms per category (held-out + tuning); floor cost / engine cost per turn.
  ['safety', () => import('./safety.bench.js')],
  // Turn queue: requests and write units per uncontended turn with vs without; a 10-message burst's waits.
  ['queue', () => import('./queue.bench.js')],
  // Bundle sizes (400 KB budget) and orchestrate import time / a bare node start, vs the former build.
  ['coldstart', () => import('./coldstart.bench.js')],
  // The HTTP application path per warm turn with in-memory ports, vs the former code and the engine alone.
  ['app', () => import('./app.bench.js')],
];

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const started = new Date().toISOString();
  const benchmarks: Record<string, unknown> = {};
  const rows: BenchRow[] = [];
  for (const [name, load] of BENCHMARKS) {
    if (only.length > 0 && !only.includes(name)) continue;
    const mod = await load();
    const summary = await mod.run();
    benchmarks[name] = summary;
    if (mod.table) rows.push(...mod.table(summary as never));
  }
  const report = { started, node: process.version, benchmarks };
  const out = path.join(here, 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (rows.length > 0) {
    const w0 = Math.max(6, ...rows.map((r) => r[0].length));
    const w1 = Math.max(5, ...rows.map((r) => r[1].length));
    console.log(`${'figure'.padEnd(w0)}  ${'value'.padStart(w1)}  baseline (same run)`);
    for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
    console.log('');
  }
  console.log(JSON.stringify(report, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
