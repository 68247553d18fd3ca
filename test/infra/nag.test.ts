/**
 * cdk-nag: the AWS Solutions and HIPAA Security packs find nothing that is not acknowledged, in dev and
 * prod, and every acknowledgement names one rule on one construct with a specific written reason.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../lib/app.js';

interface Violation {
  ruleName: string;
  description: string;
  violatingConstructs: Array<{ constructPath: string }>;
}

function findReports(dir: string): Array<{ pluginReports?: Array<{ violations: Violation[]; summary?: unknown }> }> {
  return fs
    .readdirSync(dir)
    .filter((f) => /validation-report\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

function runNag(envName: string, build: (app: App) => void = (app) => void buildApp(app)): { violations: Violation[]; app: App } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `nag-${envName}-`));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], env: envName } });
  build(app);
  let synthError: unknown;
  try {
    app.synth();
  } catch (err) {
    synthError = err;
  }
  const reports = findReports(outdir);
  const violations = reports.flatMap((r) => (r.pluginReports ?? []).flatMap((p) => p.violations ?? []));
  fs.rmSync(outdir, { recursive: true, force: true });
  if (synthError && violations.length === 0) throw synthError;
  return { violations, app };
}

function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string; scopeIsStack: boolean }> {
  const out: Array<{ path: string; id: string; reason: string; scopeIsStack: boolean }> = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      // Stored as { "Annotation::<rule id>": reason }.
      for (const [k, reason] of Object.entries(m.data as Record<string, string>)) {
        out.push({ path: c.node.path, id: k.replace(/^Annotation::/, ''), reason, scopeIsStack: Stack.isStack(c) || c === root });
      }
    }
  }
  return out;
}

describe.each(['dev', 'prod'])('cdk-nag (%s)', (envName) => {
  const { violations, app } = runNag(envName);

  it('AwsSolutions and HIPAA.Security report no unacknowledged finding', () => {
    const summary = violations.map((v) => `${v.ruleName}: ${v.violatingConstructs.map((r) => r.constructPath).join(', ')}`);
    expect(summary).toEqual([]);
  });

  it('acknowledgements cover both rule packs', () => {
    const ids = acknowledgements(app).map((a) => a.id);
    expect(ids.some((i) => i.startsWith('AwsSolutions-'))).toBe(true);
    expect(ids.some((i) => i.startsWith('HIPAA.Security-'))).toBe(true);
  });

  it('every acknowledgement is specific: one rule, one construct below the stack, a written reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.scopeIsStack, `${a.id} on ${a.path} is a blanket acknowledgement`).toBe(false);
      expect(a.id).toMatch(/^(AwsSolutions|HIPAA\.Security)-[A-Za-z0-9]+(\[.+\])?$/);
      expect(a.reason.length, `${a.id} on ${a.path}`).toBeGreaterThanOrEqual(40);
    }
    const reasons = new Map<string, number>();
    for (const a of acks) reasons.set(a.reason, (reasons.get(a.reason) ?? 0) + 1);
    // A reason copied onto unrelated rules is a blanket in disguise.
    for (const [reason, n] of reasons) {
      const rules = new Set(acks.filter((a) => a.reason === reason).map((a) => a.id.replace(/\[.*$/, '')));
      expect(rules.size, `reason reused across rules (${n}x): ${reason}`).toBeLessThanOrEqual(1);
    }
  });
});

describe('cdk-nag pipeline (positive control)', () => {
  it('the same wiring reports both packs on a deliberately non-compliant resource', () => {
    const { violations } = runNag('dev', (app) => {
      buildApp(app);
      const bad = new Stack(app, 'NonCompliant', { env: { account: '123456789012', region: 'us-east-1' } });
      new sqs.Queue(bad, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
      new sns.Topic(bad, 'PlainTopic');
    });
    const rules = violations.map((v) => v.ruleName);
    expect(rules.some((r) => r.startsWith('AwsSolutions-SQS'))).toBe(true);
    expect(rules).toContain('HIPAA.Security-SNSEncryptedKMS');
    // ...and only the control stack is flagged.
    expect(violations.flatMap((v) => v.violatingConstructs.map((c) => c.constructPath.split('/')[0]))).not.toContain('PolarisOrchestrator-dev');
  });
});
