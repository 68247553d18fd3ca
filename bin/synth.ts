#!/usr/bin/env node
/**
 * `npm run synth -- -c env=prod`: `cdk synth --quiet` (template to cdk.out, cdk-nag checks) and a short
 * summary instead of the whole YAML: the stack, its resources by type, its outputs, and the cdk-nag result
 * (each unacknowledged finding on one line). Exits with cdk's exit code. Extra arguments go to `cdk synth`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIdx = args.findIndex((a) => a === '-o' || a === '--output');
const outDir = path.resolve(root, outIdx >= 0 ? args[outIdx + 1]! : 'cdk.out');

const cdk = path.join(root, 'node_modules', '.bin', 'cdk');
const r = spawnSync(cdk, ['synth', '--quiet', ...(outIdx >= 0 ? [] : ['-o', outDir]), ...args], { cwd: root, stdio: ['inherit', 'pipe', 'pipe'], encoding: 'utf8' });
// cdk's own messages (warnings, configuration errors) are short with --quiet: pass them through.
const passthrough = `${r.stdout ?? ''}${r.stderr ?? ''}`
  .split('\n')
  .filter((l) => l.trim() !== '' && !/^npm warn/i.test(l))
  .join('\n');

interface Violation {
  ruleName: string;
  violatingConstructs: Array<{ constructPath: string }>;
}

function nagFindings(): string[] {
  if (!fs.existsSync(outDir)) return [];
  return fs
    .readdirSync(outDir)
    .filter((f) => f.endsWith('validation-report.json'))
    .flatMap((f) => {
      const report = JSON.parse(fs.readFileSync(path.join(outDir, f), 'utf8')) as { pluginReports?: Array<{ violations?: Violation[] }> };
      return (report.pluginReports ?? []).flatMap((p) => (p.violations ?? []).flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} on ${c.constructPath}`)));
    });
}

const findings = nagFindings();
/** The stacks of this synth, from the cloud assembly's manifest. */
function stackTemplates(): string[] {
  const manifest = path.join(outDir, 'manifest.json');
  if (!fs.existsSync(manifest)) return [];
  const artifacts = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { artifacts?: Record<string, { type: string; properties?: { templateFile?: string } }> }).artifacts ?? {};
  return Object.values(artifacts)
    .filter((a) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile)
    .map((a) => a.properties!.templateFile!);
}
const stacks = stackTemplates();

if (r.status !== 0 && findings.length === 0) {
  process.stderr.write(`${passthrough}\n`);
  process.exit(r.status ?? 1);
}
if (passthrough && r.status === 0) process.stdout.write(`${passthrough}\n`);

for (const file of stacks) {
  const template = JSON.parse(fs.readFileSync(path.join(outDir, file), 'utf8')) as {
    Resources?: Record<string, { Type: string }>;
    Outputs?: Record<string, { Description?: string }>;
  };
  const byType = new Map<string, number>();
  for (const res of Object.values(template.Resources ?? {})) byType.set(res.Type, (byType.get(res.Type) ?? 0) + 1);
  const top = [...byType.entries()].sort((a, b) => b[1] - a[1]);
  const total = [...byType.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `Stack ${file.replace(/\.template\.json$/, '')}: ${total} resources (${top.slice(0, 6).map(([t, n]) => `${n} ${t.replace(/^AWS::/, '')}`).join(', ')}${top.length > 6 ? ', …' : ''})`,
    `  template: ${path.relative(root, path.join(outDir, file))}`,
    `  outputs: ${Object.keys(template.Outputs ?? {}).join(', ') || 'none'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
if (findings.length === 0) {
  process.stdout.write('cdk-nag (AwsSolutions, HIPAA.Security): no unacknowledged findings\n');
} else {
  process.stdout.write(`cdk-nag (AwsSolutions, HIPAA.Security): ${findings.length} unacknowledged finding(s):\n${findings.map((f) => `  - ${f}`).join('\n')}\n`);
}
process.exit(r.status ?? 1);
