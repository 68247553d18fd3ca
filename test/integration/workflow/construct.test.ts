import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { AgentWorkflow } from '../../../lib/constructs/agent-workflow.js';
import { loadRegistry, RegistryValidationError } from '../../../functions/core/agent-graph.js';

function synth(env: Record<string, string> = {}, logLevel = 'ERROR') {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const workflow = new AgentWorkflow(stack, 'AgentFanout', {
    registry: loadRegistry({ env }),
    logRetention: logs.RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
    logLevel,
  });
  return { workflow, template: Template.fromStack(stack), stack };
}

describe('AgentWorkflow construct', () => {
  it('reports at synth when the agent graph is not series-parallel: the added waits and the bound', () => {
    // medication after privacy turns the graph into an N (privacy→nutrition←followup, privacy→medication).
    const override = JSON.stringify({ agents: { medication: { dependencies: ['privacy'] } } });
    const { stack } = synth({ AGENT_REGISTRY: override });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('not series-parallel'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.entry.data)).toMatch(/adds waits .+ after .+; ?|at most 1 on one chain.*2× the critical path/);
    expect(Annotations.fromStack(synth().stack).findWarning('*', Match.stringLikeRegexp('series-parallel'))).toHaveLength(0);
  });

  it('an EXPRESS state machine with X-Ray and logs that never include execution data', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ERROR', IncludeExecutionData: false }),
    });
    expect(synth({}, 'DEBUG').template.toJSON().Resources).toBeDefined();
    synth({}, 'DEBUG').template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });

  it('one reference function per lambda agent/responder (env AGENT_NAME), history async, no HTTP invoker by default', () => {
    const { workflow, template } = synth();
    expect(Object.keys(workflow.agentFunctions).sort()).toEqual(
      ['accountability', 'checklist', 'followup', 'human_intervention', 'loneliness', 'medication', 'nutrition', 'primary', 'privacy', 'therapy'],
    );
    expect(Object.keys(workflow.asyncAgentFunctions)).toEqual(['history']);
    expect(workflow.httpAgentFunction).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Environment: { Variables: Match.objectLike({ AGENT_NAME: 'nutrition' }) },
    });
  });

  it('least privilege: the state machine may invoke exactly the functions it names, unqualified', () => {
    const { template } = synth();
    const policies = template.findResources('AWS::IAM::Policy');
    const invokeStatements = Object.values(policies).flatMap((p: any) =>
      p.Properties.PolicyDocument.Statement.filter((s: any) => [s.Action].flat().includes('lambda:InvokeFunction')),
    );
    expect(invokeStatements).toHaveLength(1);
    const resources = [invokeStatements[0].Resource].flat();
    expect(resources).toHaveLength(10); // 6 graph agents + 4 responders
    expect(JSON.stringify(resources)).not.toContain(':*');
  });

  it('HTTP targets by configuration: one shared invoker (with the registry in its env) replaces those functions', () => {
    const { workflow, template } = synth({ NUTRITION_SERVICE_URL: 'https://n.example/process', HISTORY_SERVICE_URL: 'https://h.example/process' });
    expect(workflow.agentFunctions.nutrition).toBeUndefined();
    expect(workflow.httpAgentFunction).toBeDefined();
    expect(workflow.asyncAgentFunctions.history).toBe(workflow.httpAgentFunction);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AGENT_REGISTRY: Match.stringLikeRegexp('https://n.example/process') }) },
    });
  });

  it('an invalid registry fails synth with the agents named', () => {
    expect(() => synth({ AGENT_REGISTRY: '{"agents":{"nutrition":{"dependencies":["history"]}}}' })).toThrow(RegistryValidationError);
  });
});
