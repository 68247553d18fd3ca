/**
 * Infra: the synthesized OrchestratorStack has every resource the design asks for, with its key
 * properties, in dev and prod. Bundling is skipped (aws:cdk:bundling-stacks = []) to keep this fast.
 */
import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { OrchestratorStack } from '../../lib/orchestrator-stack.js';
import { ConfigError } from '../../lib/config.js';

function synth(context: Record<string, unknown> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new OrchestratorStack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  return Template.fromStack(stack);
}

const dev = synth({ env: 'dev' });
const prod = synth({ env: 'prod' });

describe('Lambda functions', () => {
  it('every function is nodejs24.x on arm64 with active tracing and an explicit log group', () => {
    const fns = dev.findResources('AWS::Lambda::Function');
    const ours = Object.entries(fns).filter(([, r]) => r.Properties.Runtime !== undefined && String(r.Properties.Handler).startsWith('index.'));
    expect(ours.length).toBeGreaterThanOrEqual(3);
    for (const [id, r] of ours) {
      expect(r.Properties.Runtime, id).toBe('nodejs24.x');
      expect(r.Properties.Architectures, id).toEqual(['arm64']);
      expect(r.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(r.Properties.LoggingConfig?.LogGroup, id).toBeDefined();
      // Source maps cost ~15 ms and ~13 MiB per cold start: off unless -c sourceMaps=true.
      expect(r.Properties.Environment.Variables.NODE_OPTIONS, id).toBeUndefined();
    }
  });

  it('orchestrate gets the table, state machine and generator by name, and a 29 s ceiling', () => {
    dev.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('One conversation turn'),
      Timeout: 29,
      MemorySize: 1024,
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: Match.anyValue(),
          STATE_MACHINE_ARN: Match.anyValue(),
          CHECKPOINT_GENERATOR_FUNCTION: Match.anyValue(),
          STORE_TURN_TEXT: 'false',
        }),
      },
    });
  });

  it('log groups have retention: two weeks in dev, a year in prod', () => {
    const retention = (t: Template) => Object.values(t.findResources('AWS::Logs::LogGroup')).map((r) => r.Properties.RetentionInDays);
    expect(retention(dev).length).toBeGreaterThanOrEqual(4);
    expect(new Set(retention(dev))).toEqual(new Set([14]));
    expect(new Set(retention(prod))).toEqual(new Set([365]));
  });
});

describe('state table', () => {
  it('pk/sk strings, on demand, TTL on expires_at, PITR, encrypted', () => {
    dev.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('prod: customer KMS key, deletion protection, retained on stack deletion', () => {
    prod.hasResourceProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
    });
    prod.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    prod.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('dev: AWS-managed encryption, no deletion protection, destroyed with the stack', () => {
    dev.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    // The only customer key in dev is the care-team topic's own (EventBridge cannot publish to an SNS topic
    // encrypted with an AWS-managed key); the table and logs use AWS-managed encryption.
    dev.resourceCountIs('AWS::KMS::Key', 1);
    const table = Object.values(dev.findResources('AWS::DynamoDB::Table'))[0] as { Properties: { SSESpecification?: { KMSMasterKeyId?: unknown } } };
    expect(table.Properties.SSESpecification?.KMSMasterKeyId).toBeUndefined();
  });
});

describe('agent fan-out workflow', () => {
  it('is an EXPRESS state machine logging to CloudWatch with X-Ray tracing', () => {
    dev.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({
        Destinations: Match.arrayWith([Match.objectLike({ CloudWatchLogsLogGroup: Match.anyValue() })]),
        IncludeExecutionData: false,
      }),
    });
  });

  it('orchestrate may start sync executions', () => {
    dev.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'states:StartSyncExecution', Effect: 'Allow' })]) },
    });
  });
});

describe('async workers', () => {
  it('checkpoint-generator failures go to an SQS DLQ after two retries', () => {
    const queues = dev.findResources('AWS::SQS::Queue');
    const [dlqId] = Object.keys(queues);
    expect(dlqId).toBeDefined();
    dev.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
    });
  });

  it('the DLQ only accepts TLS and is encrypted', () => {
    dev.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    dev.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('REST API', () => {
  it('is regional with the turn, health and operator routes', () => {
    dev.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    const parts = Object.values(dev.findResources('AWS::ApiGateway::Resource')).map((r) => r.Properties.PathPart);
    expect(parts).toEqual(expect.arrayContaining(['orchestrate', 'health', 'conversations', '{id}', 'resume', 'individuals', '{individual_id}', 'audit', 'turns', 'openapi.json']));
    const methods = Object.values(dev.findResources('AWS::ApiGateway::Method')).map((r) => `${r.Properties.HttpMethod}:${r.Properties.AuthorizationType}`);
    // Only the liveness probe is public (test/infra/auth.test.ts checks which one, in dev and prod).
    expect(methods.filter((m) => m.endsWith(':NONE'))).toEqual(['GET:NONE']);
    expect(methods.filter((m) => m.endsWith(':AWS_IAM')).length).toBe(methods.length - 1);
    expect(methods.some((m) => m.startsWith('OPTIONS'))).toBe(false); // CORS off unless configured
  });

  it('the stage throttles, traces and writes JSON access logs without bodies', () => {
    dev.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, DataTraceEnabled: false, LoggingLevel: 'ERROR' }),
      ]),
    });
    prod.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 })]),
    });
  });

  it('CORS preflight appears only when origins are configured', () => {
    const withCors = synth({ env: 'dev', corsOrigins: 'https://app.example.org' });
    const methods = Object.values(withCors.findResources('AWS::ApiGateway::Method')).map((r) => r.Properties.HttpMethod);
    expect(methods).toContain('OPTIONS');
  });
});

describe('alarms', () => {
  it('alarm on API 5xx, orchestrate errors, workflow failures and dead letters', () => {
    const names = Object.values(dev.findResources('AWS::CloudWatch::Alarm')).map((r) => r.Properties.MetricName);
    expect(names).toEqual(expect.arrayContaining(['5XXError', 'Errors', 'ExecutionsFailed', 'ApproximateNumberOfMessagesVisible']));
  });
});

describe('configuration', () => {
  it('rejects an unknown env with the accepted values', () => {
    expect(() => synth({ env: 'staging' })).toThrow(ConfigError);
    expect(() => synth({ env: 'staging' })).toThrow(/dev, prod/);
  });
  it('rejects a bad override naming the key', () => {
    expect(() => synth({ env: 'dev', throttleRate: 'fast' })).toThrow(/throttleRate/);
  });
  it('context overrides reach the resources', () => {
    const t = synth({ env: 'dev', throttleRate: 7, stateRetentionDays: 90 });
    t.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 7 })]) });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ STATE_RETENTION_DAYS: '90' }) } });
  });
});

describe('escalation hand-off', () => {
  it('an event bus, a rule for HumanEscalationRequested from polaris.orchestrator to an encrypted SNS topic, PutEvents for orchestrate, an alarm', () => {
    for (const t of [dev, prod]) {
      t.resourceCountIs('AWS::Events::EventBus', 1);
      t.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: ['polaris.orchestrator'], 'detail-type': ['HumanEscalationRequested'] },
        Targets: Match.arrayWith([Match.objectLike({ Arn: Match.objectLike({ Ref: Match.stringLikeRegexp('CareTeamTopic') }) })]),
      });
      t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue(), DisplayName: Match.stringLikeRegexp('person') });
      t.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'events:PutEvents' })]) },
      });
      t.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ ESCALATION_BUS_NAME: Match.anyValue() }) },
      });
      t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'EscalationPublishFailed', Threshold: 1 });
    }
  });
});
