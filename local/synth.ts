/**
 * Synthesizes the CDK app into `cdk.out` when it is missing or older than the sources, so the local
 * stack (and the tests that load bundled assets) always run what `cdk deploy` would deploy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const SOURCES = ['bin', 'lib', 'functions', 'config', 'docs/openapi.json', 'package-lock.json', 'cdk.json', 'cdk.context.json'];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

export interface SynthResult {
  templatePath: string;
  synthesized: boolean;
  stackName: string;
}

export function templatePathFor(root: string, envName: string, outDir = 'cdk.out'): string {
  return path.resolve(root, outDir, `PolarisOrchestrator-${envName}.template.json`);
}

/** True when cdk.out lacks the template or any source is newer than it. */
export function isStale(root: string, envName: string, outDir = 'cdk.out'): boolean {
  const tpl = templatePathFor(root, envName, outDir);
  if (!fs.existsSync(tpl)) return true;
  const built = fs.statSync(tpl).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

export function ensureSynth(
  root: string,
  options: { envName?: string; force?: boolean; outDir?: string; quiet?: boolean; env?: Record<string, string>; context?: Record<string, string> } = {},
): SynthResult {
  const envName = options.envName ?? 'dev';
  const outDir = options.outDir ?? 'cdk.out';
  const templatePath = templatePathFor(root, envName, outDir);
  const stackName = `PolarisOrchestrator-${envName}`;
  if (!options.force && !isStale(root, envName, outDir)) return { templatePath, synthesized: false, stackName };
  const cdk = path.join(root, 'node_modules', '.bin', 'cdk');
  const context = Object.entries(options.context ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const r = spawnSync(cdk, ['synth', '--quiet', '-o', outDir, '-c', `env=${envName}`, ...context, stackName], {
    cwd: root,
    stdio: options.quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_DEFAULT_ACCOUNT: process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012',
      CDK_DEFAULT_REGION: process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
      // Put the pinned Node first so the synth (tsx) runs on the Lambda's major.
      PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
      ...options.env,
    },
  });
  if (r.status !== 0 || !fs.existsSync(templatePath)) {
    throw new Error(`cdk synth failed (exit ${r.status}); ${options.quiet ? `${r.stdout ?? ''}\n${r.stderr ?? ''}`.slice(-4000) : 'see the output above'}`);
  }
  // Touch so an unchanged-but-older template is not seen as stale again.
  const now = new Date();
  fs.utimesSync(templatePath, now, now);
  return { templatePath, synthesized: true, stackName };
}
