/**
 * Infra for individual memory (issue #16): the memory writer function (table access, DLQ, its own retention),
 * the orchestrator's permission to invoke it, and `memoryUrl` / `memoryRetentionDays` reaching both functions.
 */
import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OrchestratorStack } from '../../lib/orchestrator-stack.js';
import { resolveConfig } from '../../lib/config.js';

function synth(context: Record<string, unknown> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return Template.fromStack(new OrchestratorStack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } }));
}

function fnEnv(t: Template, description: RegExp): Record<string, unknown> {
  const fns = Object.values(t.findResources('AWS::Lambda::Function')).filter((r) => description.test(String(r.Properties.Description ?? '')));
  expect(fns).toHaveLength(1);
  return fns[0]!.Properties.Environment.Variables as Record<string, unknown>;
}

describe('individual memory infrastructure', () => {
  it('a memory writer with the table, its own retention and an on-failure destination; orchestrate knows and may invoke it', () => {
    const t = synth({ env: 'dev' });
    const writer = fnEnv(t, /individual's memory/);
    expect(writer).toMatchObject({ MEMORY_RETENTION_DAYS: '90' });
    expect(writer['TABLE_NAME']).toBeDefined();
    expect(writer['MEMORY_URL']).toBeUndefined();
    const orchestrate = fnEnv(t, /One conversation turn/);
    expect(JSON.stringify(orchestrate['MEMORY_WRITER_FUNCTION'])).toMatch(/"Ref":"[A-Za-z0-9]*MemoryWriter/);
    expect(orchestrate['MEMORY_RETENTION_DAYS']).toBe('90');
    const invokeConfigs = Object.values(t.findResources('AWS::Lambda::EventInvokeConfig')).filter((r) => JSON.stringify(r.Properties.FunctionName).includes('MemoryWriter'));
    expect(invokeConfigs).toHaveLength(1);
    expect(invokeConfigs[0]!.Properties.MaximumRetryAttempts).toBe(2);
    expect(JSON.stringify(invokeConfigs[0]!.Properties.DestinationConfig.OnFailure.Destination)).toContain('DeadLetters');
    const orchestratePolicy = Object.entries(t.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('Orchestrate'))!;
    expect(JSON.stringify(orchestratePolicy[1])).toMatch(/MemoryWriter[A-Za-z0-9]*","Arn"/);
  }, 120_000);

  it('memoryUrl and memoryRetentionDays reach the orchestrator and the writer; prod keeps memory a year', () => {
    const t = synth({ env: 'dev', memoryUrl: 'https://memory.example.org/v1', memoryRetentionDays: '30' });
    for (const env of [fnEnv(t, /individual's memory/), fnEnv(t, /One conversation turn/)]) {
      expect(env).toMatchObject({ MEMORY_URL: 'https://memory.example.org/v1', MEMORY_RETENTION_DAYS: '30' });
    }
    expect(fnEnv(synth({ env: 'prod' }), /individual's memory/)['MEMORY_RETENTION_DAYS']).toBe('365');
  }, 120_000);

  it('the seed name MEMORY_URL works at synth; a bad value is refused naming the key', () => {
    expect(resolveConfig({}, { env: { MEMORY_URL: 'https://m.example.org' } }).memoryUrl).toBe('https://m.example.org');
    expect(() => resolveConfig({ memoryUrl: 'memory.example.org' })).toThrow(/memoryUrl/);
    expect(() => resolveConfig({ memoryRetentionDays: 0 })).toThrow(/memoryRetentionDays/);
  });
});
