/**
 * Builds the app's stack(s) and attaches cdk-nag; shared by bin/app.ts and the infra tests so the
 * tests check exactly what `cdk synth` produces.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { OrchestratorStack } from './orchestrator-stack.js';

export function stackName(app: App): string {
  return `PolarisOrchestrator-${app.node.tryGetContext('env') ?? 'dev'}`;
}

export function buildApp(app: App, options: { nag?: boolean } = {}): OrchestratorStack {
  const stack = new OrchestratorStack(app, stackName(app), {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: 'Polaris Orchestrator: conversation coordination for the health-companion platform',
  });
  if (options.nag !== false) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new HIPAASecurityChecks(app, { verbose: true }));
  }
  return stack;
}
