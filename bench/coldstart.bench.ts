/**
 * Cold-start benchmark: the Lambda bundles `cdk synth` ships (cdk.out), their sizes against the 400 KB
 * budget, and the time to import the orchestrate bundle in a FRESH node process, as a ratio to a bare
 * `node -e 0` (median of ≥ 10 alternating runs). Baselines measured in the same run:
 *  - the orchestrate bundle built the way it was before the perf work (the BASELINE_COMMIT source checked out
 *    into bench/.baseline, esbuild with the former options: zod's locales, the SDK's whole credential chain,
 *    source maps) — imported plain and with `--enable-source-maps` (the former NODE_OPTIONS);
 *  - the bare node start.
 * Run: `npx tsx bench/coldstart.bench.ts`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureSynth, templatePathFor } from '../local/synth.js';
import { baselineCheckout, BASELINE_COMMIT } from './baseline/checkout.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BANNER = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/** One function's bundle. */
export interface BundleSize {
  function: string;
  bytes: number;
  within_400kb: boolean;
}

/** What `run()` returns. */
export interface ColdStartSummary {
  runs: number;
  bundles: BundleSize[];
  orchestrate_bytes: number;
  baseline_orchestrate_bytes: number;
  bare_node_ms_median: number;
  orchestrate_import_ms_median: number;
  baseline_import_ms_median: number;
  baseline_import_source_maps_ms_median: number;
  /** orchestrate import / bare node start (goal ≤ 3). */
  ratio_import_to_bare_node: number;
  ratio_baseline_import_to_bare_node: number;
  ratio_baseline_source_maps_to_bare_node: number;
  /** Peak RSS of the import (MiB), new vs baseline with source maps. */
  import_rss_mib: number;
  baseline_source_maps_rss_mib: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Bundles of the synthesized template: logical id → index.mjs path. */
function bundles(): Array<{ id: string; file: string }> {
  const templatePath = templatePathFor(root, 'dev');
  const t = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
  const out: Array<{ id: string; file: string }> = [];
  for (const [id, r] of Object.entries(t.Resources)) {
    const asset = r.Metadata?.['aws:asset:path'];
    if (r.Type !== 'AWS::Lambda::Function' || !asset) continue;
    const dir = path.join(path.dirname(templatePath), asset);
    const file = fs.readdirSync(dir).find((f) => /^index\.m?js$/.test(f));
    if (file) out.push({ id, file: path.join(dir, file) });
  }
  return out;
}

/** The former build of the orchestrate bundle, from the baseline source (see the module comment). */
function buildBaseline(): string {
  const src = baselineCheckout();
  const outfile = path.join(src, 'dist', 'orchestrate', 'index.mjs');
  if (!fs.existsSync(outfile)) {
    execFileSync(
      path.join(root, 'node_modules', '.bin', 'esbuild'),
      [
        path.join(src, 'functions/orchestrate/handler.ts'),
        '--bundle', '--platform=node', '--format=esm', '--target=node24', '--minify', '--sourcemap', '--sources-content=false',
        '--main-fields=module,main', `--banner:js=${BANNER}`, `--outfile=${outfile}`, '--log-level=error',
      ],
      { cwd: root },
    );
  }
  return outfile;
}

/** The environment the orchestrate handler needs at import (no network is touched). */
const IMPORT_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'polaris-bench',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench',
  CHECKPOINT_GENERATOR_FUNCTION: 'bench-generator',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_DEV: 'false',
};

/** Wall time (ms) and peak RSS (MiB) of one fresh process. */
function timeProcess(args: string[]): { ms: number; rss: number } {
  const script = `const t0=performance.now();${args.length ? `await import(${JSON.stringify(pathToFileURL(args[0]!).href)});` : ''}process.stdout.write(JSON.stringify({rss:process.resourceUsage().maxRSS/1024}))`;
  const flags = args.slice(1);
  const s = performance.now();
  const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], { env: IMPORT_ENV, encoding: 'utf8' });
  const ms = performance.now() - s;
  return { ms, rss: (JSON.parse(out) as { rss: number }).rss };
}

/** Run the benchmark (synthesizes first when cdk.out is stale). */
export async function run(options: { runs?: number } = {}): Promise<ColdStartSummary> {
  const runs = Math.max(10, options.runs ?? 12);
  ensureSynth(root, { envName: 'dev', quiet: true });
  const all = bundles();
  const sizes: BundleSize[] = [];
  const seen = new Set<string>();
  for (const b of all) {
    if (seen.has(b.file)) continue; // functions sharing one asset (the reference agents)
    seen.add(b.file);
    const bytes = fs.statSync(b.file).size;
    const shared = all.filter((x) => x.file === b.file).map((x) => x.id.replace(/Fn[0-9A-F]{8}$/, ''));
    sizes.push({ function: shared.length > 1 ? `${shared[0]} (+${shared.length - 1} sharing it)` : shared[0]!, bytes, within_400kb: bytes <= 400_000 });
  }
  const orchestrate = all.find((b) => b.id.startsWith('OrchestrateFn'));
  if (!orchestrate) throw new Error('no orchestrate function in cdk.out');
  const baseline = buildBaseline();

  const t: Record<'bare' | 'now' | 'base' | 'baseMaps', number[]> = { bare: [], now: [], base: [], baseMaps: [] };
  const rss: Record<'now' | 'baseMaps', number[]> = { now: [], baseMaps: [] };
  for (let i = 0; i < runs + 1; i++) {
    const bare = timeProcess([]);
    const now = timeProcess([orchestrate.file]);
    const base = timeProcess([baseline]);
    const baseMaps = timeProcess([baseline, '--enable-source-maps']);
    if (i === 0) continue; // disk cache warm-up
    t.bare.push(bare.ms);
    t.now.push(now.ms);
    t.base.push(base.ms);
    t.baseMaps.push(baseMaps.ms);
    rss.now.push(now.rss);
    rss.baseMaps.push(baseMaps.rss);
  }
  const bare = median(t.bare);
  return {
    runs,
    bundles: sizes,
    orchestrate_bytes: fs.statSync(orchestrate.file).size,
    baseline_orchestrate_bytes: fs.statSync(baseline).size,
    bare_node_ms_median: round(bare, 1),
    orchestrate_import_ms_median: round(median(t.now), 1),
    baseline_import_ms_median: round(median(t.base), 1),
    baseline_import_source_maps_ms_median: round(median(t.baseMaps), 1),
    ratio_import_to_bare_node: round(median(t.now) / bare),
    ratio_baseline_import_to_bare_node: round(median(t.base) / bare),
    ratio_baseline_source_maps_to_bare_node: round(median(t.baseMaps) / bare),
    import_rss_mib: round(median(rss.now), 1),
    baseline_source_maps_rss_mib: round(median(rss.baseMaps), 1),
  };
}

/** Rows for the human table printed by bench/run.ts. */
export function table(s: ColdStartSummary): Array<[string, string, string]> {
  const kb = (b: number) => `${Math.round(b / 1000)} KB`;
  return [
    ['cold start: orchestrate import / bare node (fresh processes)', `${s.ratio_import_to_bare_node}×`, `before ${s.ratio_baseline_import_to_bare_node}×, with source maps ${s.ratio_baseline_source_maps_to_bare_node}× (${BASELINE_COMMIT})`],
    ['cold start: orchestrate import peak RSS', `${s.import_rss_mib} MiB`, `before (source maps) ${s.baseline_source_maps_rss_mib} MiB`],
    ...s.bundles.map((b): [string, string, string] => [`bundle ${b.function}`, kb(b.bytes), b.within_400kb ? '≤ 400 KB' : 'OVER 400 KB']),
    ['bundle orchestrate before', kb(s.baseline_orchestrate_bytes), BASELINE_COMMIT],
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
}
