/**
 * The importable construct: a platform team's own app puts a PolarisOrchestrator in its own stack with
 * non-default typed props; the props reach the resources, bad props are rejected by the same schema, and
 * cdk-nag finds nothing unacknowledged in the platform's stack (the acknowledgements travel with the
 * construct).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { App, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { PolarisOrchestrator, type PolarisOrchestratorProps } from '../../lib/polaris-orchestrator.js';
import { ConfigError } from '../../lib/config.js';

/** The platform team's app: their stack, their id, their props. */
function platformApp(props: PolarisOrchestratorProps, outdir?: string): { app: App; stack: Stack; polaris: PolarisOrchestrator } {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'PlatformServices', { env: { account: '210987654321', region: 'eu-west-1' } });
  const polaris = new PolarisOrchestrator(stack, 'Polaris', props);
  new CfnOutput(stack, 'PolarisUrl', { value: polaris.http.api.url });
  return { app, stack, polaris };
}

const props: PolarisOrchestratorProps = {
  env: 'dev',
  throttleRate: 7,
  throttleBurst: 11,
  logRetentionDays: 30,
  corsOrigins: ['https://care.example.org'],
  storeTurnText: true,
  stateRetentionDays: 90,
  orchestrateReservedConcurrency: 5,
  logLevel: 'WARN',
  customerManagedKey: true,
  webAclArn: 'arn:aws:wafv2:eu-west-1:210987654321:regional/webacl/platform/0a1b2c3d',
};

describe('PolarisOrchestrator in a platform team’s app', () => {
  const { stack, polaris } = platformApp(props);
  const t = Template.fromStack(stack);

  it('exposes the resolved configuration and the resources for wiring', () => {
    expect(polaris.config).toMatchObject({ envName: 'dev', throttleRate: 7, logRetentionDays: 30, storeTurnText: true });
    expect(polaris.stateTable.table).toBeDefined();
    t.hasOutput('PolarisUrl', {});
  });

  it('non-default props reach the resources', () => {
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 7, ThrottlingBurstLimit: 11 })]),
    });
    const retention = new Set(Object.values(t.findResources('AWS::Logs::LogGroup')).map((r) => r.Properties.RetentionInDays));
    expect(retention).toEqual(new Set([30]));
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('One conversation turn'),
      ReservedConcurrentExecutions: 5,
      Environment: {
        Variables: Match.objectLike({
          STORE_TURN_TEXT: 'true',
          STATE_RETENTION_DAYS: '90',
          CORS_ORIGINS: 'https://care.example.org',
          POWERTOOLS_LOG_LEVEL: 'WARN',
        }),
      },
    });
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: props.webAclArn });
    const methods = Object.values(t.findResources('AWS::ApiGateway::Method')).map((r) => r.Properties.HttpMethod);
    expect(methods).toContain('OPTIONS');
  });

  it('defaults apply for what the props leave out (dev: destroyed with the stack)', () => {
    t.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  it('bad props are rejected by the configuration schema, naming each prop', () => {
    const bad = { logRetentionDays: 15, corsOrigin: ['https://x.example.org'] } as unknown as PolarisOrchestratorProps;
    try {
      platformApp(bad);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        expect.stringMatching(/^PolarisOrchestrator prop "corsOrigin" is not a setting \(did you mean corsOrigins\?\)/),
        expect.stringMatching(/^PolarisOrchestrator prop "logRetentionDays" must be a CloudWatch Logs retention/),
      ]);
    }
  });

  it('cdk-nag (AwsSolutions + HIPAA) finds nothing unacknowledged in the platform stack', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'construct-nag-'));
    try {
      const { app } = platformApp({ ...props, webAclArn: undefined }, outdir);
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new HIPAASecurityChecks(app, { verbose: true }));
      let failure: unknown;
      try {
        app.synth();
      } catch (err) {
        failure = err;
      }
      const reports = fs.readdirSync(outdir).filter((f) => f.endsWith('validation-report.json'));
      const violations = reports.flatMap((f) =>
        (JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf8')).pluginReports ?? []).flatMap(
          (p: { violations?: Array<{ ruleName: string }> }) => (p.violations ?? []).map((v) => v.ruleName),
        ),
      );
      expect(violations).toEqual([]);
      expect(failure).toBeUndefined();
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
