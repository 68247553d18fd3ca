/**
 * Operations kit in the synthesized stack: the dashboard's widgets, the alarms (metric, threshold, action on
 * the topic), and the stack outputs for the alarm topic and the dashboard URL.
 */
import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { OrchestratorStack } from '../../lib/orchestrator-stack.js';
import { TURN_METRICS } from '../../functions/orchestrate/observability.js';

function synth(context: Record<string, unknown> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], env: 'prod', ...context } });
  return Template.fromStack(new OrchestratorStack(app, 'Ops', { env: { account: '123456789012', region: 'eu-west-1' } }));
}

const t = synth({ alarmEmail: 'oncall@example.org' });
const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((r) => r.Properties as Record<string, any>);
const topicId = Object.keys(t.findResources('AWS::SNS::Topic'))[0]!;

function alarmOn(metricName: string): Record<string, any> {
  const found = alarms.find((a) => a.MetricName === metricName || (a.Metrics ?? []).some((m: any) => m.MetricStat?.Metric?.MetricName === metricName));
  expect(found, `an alarm on ${metricName}`).toBeDefined();
  return found!;
}

describe('alarms', () => {
  it('every alarm notifies the one topic', () => {
    expect(alarms.length).toBeGreaterThanOrEqual(10);
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.org', TopicArn: { Ref: topicId } });
  });

  it('p99 turn latency at 20 s in 2 of 3 periods (the API cuts at 29 s)', () => {
    const a = alarmOn(TURN_METRICS.turnLatency);
    expect(a).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 20_000, EvaluationPeriods: 3, DatapointsToAlarm: 2, Namespace: 'PolarisOrchestrator' });
    expect(a.Dimensions).toEqual([{ Name: 'service', Value: 'orchestrator' }]);
  });

  it('agent failure rate: failures over results, 10 %', () => {
    const a = alarmOn(TURN_METRICS.agentFailures);
    expect(a.Threshold).toBe(10);
    const expr = a.Metrics.find((m: any) => m.Expression)?.Expression as string;
    expect(expr).toMatch(/failures/);
    expect(a.Metrics.map((m: any) => m.MetricStat?.Metric?.MetricName).filter(Boolean).sort()).toEqual([TURN_METRICS.agentFailures, TURN_METRICS.agentResults].sort());
  });

  it('DynamoDB throttling on the state table, summed over the operations used', () => {
    const a = alarms.find((x) => (x.Metrics ?? []).some((m: any) => m.MetricStat?.Metric?.MetricName === 'ThrottledRequests'));
    expect(a).toBeDefined();
    const ops = a!.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'Operation').Value);
    expect(ops).toEqual(expect.arrayContaining(['GetItem', 'PutItem', 'UpdateItem', 'Query']));
    expect(a!.Threshold).toBe(1);
  });

  it('workflow failures and timeouts, dead letters, turn-log gaps, API 5xx', () => {
    expect(alarmOn('ExecutionsFailed').Threshold).toBe(5);
    expect(alarmOn('ExecutionsTimedOut').Threshold).toBe(1);
    expect(alarmOn('ApproximateNumberOfMessagesVisible')).toMatchObject({ Threshold: 1, Statistic: 'Maximum' });
    expect(alarmOn(TURN_METRICS.turnLogGap)).toMatchObject({ Threshold: 1, Statistic: 'Sum' });
    expect(alarmOn('5XXError').Threshold).toBe(5);
  });
});

describe('dashboard', () => {
  const [dash] = Object.values(t.findResources('AWS::CloudWatch::Dashboard'));
  const body = JSON.stringify(dash!.Properties.DashboardBody);

  it('shows every panel the on-call needs', () => {
    for (const title of [
      'Turn latency (ms)',
      'Turns by status class',
      'Agent results by agent and status',
      'Agent latency p99 (ms)',
      'Escalations to a human',
      'DynamoDB consumed capacity',
      'DynamoDB throttled requests',
      'Workflow executions',
      'Dead-letter depth',
      'Turn-log gaps',
    ]) {
      expect(body, title).toContain(title);
    }
    for (const metric of ['Responses2xx', 'Responses4xx', 'Responses5xx', 'HumanEscalation', 'ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits', 'ExecutionsTimedOut']) {
      expect(body, metric).toContain(metric);
    }
    expect(body).toMatch(/SEARCH\(.*AgentCalls/);
    expect(body).toMatch(/stat\\+":\\+"p50/);
    expect(body).toMatch(/stat\\+":\\+"p99/);
  });
});

describe('stack outputs', () => {
  it('alarm topic ARN and dashboard URL', () => {
    t.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
    const url = JSON.stringify(t.findOutputs('DashboardUrl').DashboardUrl!.Value);
    expect(url).toContain('https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=');
    t.hasOutput('ApiUrl', Match.anyValue());
  });
});
