/**
 * OrchestratorStack: this repository's deployable stack — a thin wrapper that reads the settings from CDK
 * context (`-c env=prod -c throttleRate=200`, cdk.json), validates them (lib/config.ts), builds one
 * {@link PolarisOrchestrator} and declares the stack outputs. Everything else lives in the construct, so a
 * platform team that imports the construct gets the same service.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { loadConfig, settingsOf, type OrchestratorConfig } from './config.js';
import { PolarisOrchestrator } from './polaris-orchestrator.js';

export { TURN_BUDGET_MS } from './polaris-orchestrator.js';

export class OrchestratorStack extends Stack {
  readonly config: OrchestratorConfig;
  readonly orchestrator: PolarisOrchestrator;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.config = loadConfig(this.node);
    // Id 'Default' is hidden from logical ids: the resources keep the ids they had before the construct existed.
    const o = (this.orchestrator = new PolarisOrchestrator(this, 'Default', settingsOf(this.config)));

    new CfnOutput(this, 'ApiUrl', { value: o.http.api.url, description: 'Base URL: POST {ApiUrl}orchestrate' });
    new CfnOutput(this, 'TableName', { value: o.stateTable.table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: o.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: o.workers.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'EscalationBusName', { value: o.escalations.bus.eventBusName });
    new CfnOutput(this, 'CareTeamTopicArn', { value: o.escalations.careTeamTopic.topicArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: o.alarms.topic.topicArn, description: 'Subscribe your pager to this topic' });
    new CfnOutput(this, 'DashboardUrl', { value: o.alarms.dashboardUrl, description: 'CloudWatch operations dashboard' });
  }
}
