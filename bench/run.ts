/**
 * `npm run bench`: every benchmark in bench/, each reporting ratios against a baseline measured in the
 * same run (never absolute wall-clock claims). Prints one JSON document and writes it to
 * bench/results/latest.json (ignored by git).
 *   state.bench.ts   DynamoDB requests and bytes per turn, warm vs cold container, cache hit rate
 *   fanout.bench.ts  agent-phase wall time / the graph's critical path, vs a sequential baseline
 *   memory.bench.ts  DynamoDB requests per turn with individual memory vs without (first turn, warm turn)
 *   safety.bench.ts  crisis-screen recall / false alarms per category (held-out + tuning), floor cost / engine cost per turn
 *   queue.bench.ts   turn queue: requests and write units per uncontended turn with vs without the queue,
 *                    and each message's wait / p50 / p99 latency of a 10-message burst on one conversation
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run as runState } from './state.bench.js';
import { run as runFanout } from './fanout.bench.js';
import { run as runMemory } from './memory.bench.js';
import { run as runSafety } from './safety.bench.js';
import { run as runQueue } from './queue.bench.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const state = await runState();
  const fanout = await runFanout();
  const memory = await runMemory();
  const safety = await runSafety();
  const queue = await runQueue();
  const report = { started, node: process.version, benchmarks: { state, fanout, memory, safety, queue } };
  const out = path.join(here, 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
