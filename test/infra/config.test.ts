/**
 * Configuration schema (lib/config.ts): every kind of bad value is rejected with one line naming the key
 * and what it accepts; unknown keys list the valid ones; defaults differ by env; the synth of a bad
 * configuration exits non-zero and prints the problems without a stack trace.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { ConfigError, LOG_RETENTION_DAYS, loadConfig, resolveConfig, SETTINGS, settingsOf, VALID_KEYS } from '../../lib/config.js';

function problems(input: Record<string, unknown>): string[] {
  try {
    resolveConfig(input, { env: {} });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('defaults', () => {
  it('dev and prod differ where the environment should', () => {
    const dev = resolveConfig({}, { env: {} });
    const prod = resolveConfig({ env: 'prod' }, { env: {} });
    expect(dev).toMatchObject({ envName: 'dev', customerManagedKey: false, logRetentionDays: 14, logLevel: 'DEBUG', orchestrateReservedConcurrency: undefined });
    expect(prod).toMatchObject({ envName: 'prod', customerManagedKey: true, logRetentionDays: 365, logLevel: 'INFO', orchestrateReservedConcurrency: 200 });
    expect(prod.throttle).toEqual({ rateLimit: 500, burstLimit: 1000 });
  });

  it('command-line strings are parsed into typed values', () => {
    const c = resolveConfig(
      { throttleRate: '7', storeTurnText: 'true', corsOrigins: 'https://a.example.org, https://b.example.org', agents: '{"agents":{}}', logRetentionDays: '30' },
      { env: {} },
    );
    expect(c).toMatchObject({ throttleRate: 7, storeTurnText: true, logRetentionDays: 30, agents: '{"agents":{}}' });
    expect(c.corsOrigins).toEqual(['https://a.example.org', 'https://b.example.org']);
    expect(c.throttle.rateLimit).toBe(7);
  });

  it('a resolved config validates again unchanged (the stack hands it to the construct)', () => {
    const once = resolveConfig({ env: 'prod', corsOrigins: 'https://a.example.org', throttleBurst: '9' }, { env: {} });
    expect(resolveConfig(settingsOf(once), { env: {} })).toEqual(once);
  });

  it('an envVar fallback (seed CHECKPOINT_URL) applies only when the key is not set', () => {
    expect(resolveConfig({}, { env: { CHECKPOINT_URL: 'https://cp.example.org' } }).checkpointUrl).toBe('https://cp.example.org');
    expect(resolveConfig({ checkpointUrl: 'https://mine.example.org' }, { env: { CHECKPOINT_URL: 'https://cp.example.org' } }).checkpointUrl).toBe('https://mine.example.org');
    expect(() => resolveConfig({}, { env: { CHECKPOINT_URL: 'cp.example.org' } })).toThrow(
      'environment variable CHECKPOINT_URL ("checkpointUrl") must be an http(s) URL, got "cp.example.org"',
    );
  });
});

describe('every kind of problem, one line each naming the key', () => {
  it('unknown key: suggests the near one and lists the valid keys', () => {
    const [line, ...rest] = problems({ corsOrigin: 'https://app.example.org' });
    expect(rest).toEqual([]);
    expect(line).toContain('"corsOrigin"');
    expect(line).toContain('did you mean corsOrigins?');
    for (const k of VALID_KEYS) expect(line).toContain(k);
  });

  it('unknown key with nothing near: still lists the valid keys', () => {
    const [line] = problems({ zzzzzzzzzzzz: 1 });
    expect(line).not.toContain('did you mean');
    expect(line).toContain('valid keys: env, ');
  });

  it('env: only dev or prod', () => {
    expect(problems({ env: 'staging' })).toEqual(['context key "env" must be one of dev, prod; got "staging"']);
  });

  it("log retention: only CloudWatch Logs' values", () => {
    expect(LOG_RETENTION_DAYS).toContain(14);
    expect(LOG_RETENTION_DAYS).toContain(3653);
    expect(LOG_RETENTION_DAYS).not.toContain(15);
    const [line] = problems({ logRetentionDays: 15 });
    expect(line).toMatch(/^context key "logRetentionDays" must be a CloudWatch Logs retention \(1, 3, 5, 7, 14, 30, .*\), got 15$/);
    expect(problems({ logRetentionDays: '9999' })[0]).toContain('logRetentionDays');
  });

  it('integers: type and range', () => {
    expect(problems({ throttleRate: 'fast' })).toEqual(['context key "throttleRate" must be an integer in 1..10000, got "fast"']);
    expect(problems({ throttleBurst: 0 })[0]).toContain('"throttleBurst" must be an integer in 1..5000, got 0');
    expect(problems({ maxBodyBytes: 1.5 })[0]).toContain('"maxBodyBytes"');
    expect(problems({ stateRetentionDays: 99999 })[0]).toContain('"stateRetentionDays"');
  });

  it('booleans', () => {
    expect(problems({ storeTurnText: 'yes' })).toEqual(['context key "storeTurnText" must be true or false, got "yes"']);
  });

  it('enums', () => {
    expect(problems({ logLevel: 'verbose' })).toEqual(['context key "logLevel" must be one of DEBUG, INFO, WARN, ERROR; got "verbose"']);
  });

  it('URLs (single and in lists, naming the list element)', () => {
    expect(problems({ checkpointUrl: 'ftp://x.example.org' })).toEqual(['context key "checkpointUrl" must be an http(s) URL, got "ftp://x.example.org"']);
    expect(problems({ corsOrigins: 'https://ok.example.org,not a url' })).toEqual(['context key "corsOrigins.1" must be an http(s) URL, got "not a url"']);
  });

  it('ARNs: service and resource type checked', () => {
    const ok = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/platform/0a1b2c3d';
    expect(resolveConfig({ webAclArn: ok }, { env: {} }).webAclArn).toBe(ok);
    for (const bad of ['nope', 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/platform/0a1b', 'arn:aws:sns:us-east-1:123456789012:regional/webacl/a/b']) {
      expect(problems({ webAclArn: bad })[0]).toMatch(/^context key "webAclArn" must be an ARN like arn:aws:wafv2:/);
    }
  });

  it('JSON-shaped values', () => {
    expect(problems({ agents: '' })[0]).toContain('"agents"');
  });

  it('all problems at once, in one error, each on its own line', () => {
    const lines = problems({ env: 'qa', corsOrigin: 'x', logRetentionDays: 15, throttleRate: -1, logLevel: 'loud', webAclArn: 'x' });
    expect(lines).toHaveLength(6);
    for (const l of lines) expect(l).not.toContain('\n');
  });

  it('construct props are checked by the same schema, labelled as props', () => {
    expect(() => resolveConfig({ corsOrigin: 'x' }, { label: 'PolarisOrchestrator prop', env: {} })).toThrow(/^PolarisOrchestrator prop "corsOrigin" is not a setting/);
  });
});

describe('reading CDK context', () => {
  it("ignores CDK's own keys (feature flags, aws:cdk:*, lookups) but not ours", () => {
    const app = new App({
      context: {
        '@aws-cdk/core:checkSecretUsage': true,
        'aws:cdk:bundling-stacks': [],
        'availability-zones:account=123456789012:region=us-east-1': ['us-east-1a'],
        'acknowledged-issue-numbers': [123],
        env: 'prod',
        throttleRate: '42',
      },
    });
    expect(loadConfig(app.node, { env: {} })).toMatchObject({ envName: 'prod', throttleRate: 42 });
    const bad = new App({ context: { corsOrigin: 'https://x.example.org' } });
    expect(() => loadConfig(bad.node, { env: {} })).toThrow(/corsOrigin/);
  });

  it('every setting has a doc line and is documented in the README', () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    for (const [k, s] of Object.entries(SETTINGS)) {
      expect(s.doc.length, k).toBeGreaterThan(10);
      expect(readme, `README documents \`${k}\``).toContain(`\`${k}\``);
    }
  });
});

describe('cdk synth with a bad configuration', () => {
  it('exits non-zero and prints one line per problem, no stack trace', () => {
    const root = path.resolve(import.meta.dirname, '..', '..');
    const r = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_OUTDIR: path.join(root, 'cdk.out', 'config-test'),
        CDK_CONTEXT_JSON: JSON.stringify({ env: 'prod', corsOrigin: 'https://x.example.org', logRetentionDays: 15, 'aws:cdk:bundling-stacks': [] }),
      },
    });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('Invalid configuration (2 problems):');
    expect(lines.slice(1)).toHaveLength(2);
    expect(lines[1]).toMatch(/^ {2}- context key "corsOrigin" is not a setting \(did you mean corsOrigins\?\); valid keys: /);
    expect(lines[2]).toMatch(/^ {2}- context key "logRetentionDays" must be a CloudWatch Logs retention/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
