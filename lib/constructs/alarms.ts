/**
 * The operations kit: one CloudWatch dashboard and the alarms an on-call engineer needs, all acting on one
 * SNS topic (subscribe your pager; `alarmEmail` subscribes an address).
 *
 * Alarms (5-minute periods): p99 turn latency near the API's 29 s ceiling, agent failure rate, DynamoDB
 * throttling, workflow failures and timeouts, API 5xx, orchestrate errors and throttles, dead letters,
 * turn-log gaps. The dashboard shows turn latency p50/p99, turns by status class, per-agent status counts
 * and latency, escalations, DynamoDB consumed capacity and throttles, workflow outcomes, dead-letter depth.
 * Metric names come from functions/orchestrate/observability.ts, where the function publishes them.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, ORCHESTRATOR_SERVICE, TURN_METRICS } from '../../functions/orchestrate/observability.js';

export interface AlarmsProps {
  api: apigw.RestApi;
  orchestrate: lambda.IFunction;
  stateMachine: sfn.IStateMachine;
  deadLetterQueue: sqs.IQueue;
  table: dynamodb.ITable;
  key?: kms.IKey;
  /** Subscribe this address to the alarm topic. */
  alarmEmail?: string;
  /** Milliseconds: p99 turn latency above this alarms (default 20 s, the API allows 29 s). */
  turnLatencyP99Ms?: number;
  /** Percent of agent calls ending error/timeout that alarms (default 10). */
  agentFailureRatePercent?: number;
}

/** The DynamoDB operations the service uses (throttles are summed over them). */
const TABLE_OPERATIONS: dynamodb.Operation[] = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.BATCH_WRITE_ITEM,
];

export class OrchestratorAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', { enforceSSL: true, masterKey: props.key });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const five = Duration.minutes(5);
    const turn = (metricName: string, statistic: string, label?: string) =>
      new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: ORCHESTRATOR_SERVICE }, statistic, period: five, label });

    const add = (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      options: { evaluationPeriods?: number; datapointsToAlarm?: number } = {},
    ): cloudwatch.Alarm => {
      const alarm = new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        datapointsToAlarm: options.datapointsToAlarm,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(new actions.SnsAction(this.topic));
      this.alarms.push(alarm);
      return alarm;
    };

    // Turns.
    const p50 = turn(TURN_METRICS.turnLatency, 'p50', 'p50');
    const p99 = turn(TURN_METRICS.turnLatency, 'p99', 'p99');
    const latencyMs = props.turnLatencyP99Ms ?? 20_000;
    add('TurnLatencyP99', turn(TURN_METRICS.turnLatency, 'p99'), latencyMs, `p99 turn latency ≥ ${latencyMs / 1000} s in 2 of 3 five-minute periods (API Gateway cuts at 29 s)`, {
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
    add('Api5xx', props.api.metricServerError({ period: five, statistic: 'Sum' }), 5, 'API answered 5xx: turns are failing');
    add('OrchestrateErrors', props.orchestrate.metricErrors({ period: five }), 1, 'orchestrate Lambda threw');
    add('OrchestrateThrottles', props.orchestrate.metricThrottles({ period: five }), 1, 'orchestrate Lambda throttled');

    // Agents: failure rate = failed / run, only when enough calls to mean something.
    const failures = turn(TURN_METRICS.agentFailures, 'Sum');
    const results = turn(TURN_METRICS.agentResults, 'Sum');
    const ratePercent = props.agentFailureRatePercent ?? 10;
    const failureRate = new cloudwatch.MathExpression({
      expression: 'IF(results >= 20, 100 * FILL(failures, 0) / results, 0)',
      usingMetrics: { failures, results },
      period: five,
      label: 'agent failure rate %',
    });
    add('AgentFailureRate', failureRate, ratePercent, `≥ ${ratePercent} % of agent calls ended error/timeout (2 of 3 periods, at least 20 calls)`, {
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    // Storage.
    const throttles = props.table.metricThrottledRequestsForOperations({ operations: TABLE_OPERATIONS, period: five });
    add('TableThrottles', throttles, 1, 'DynamoDB throttled requests on the state table (on-demand: a hot key or account limit)');

    // Workflow.
    add('WorkflowFailed', props.stateMachine.metricFailed({ period: five }), 5, 'agent fan-out executions failed');
    add('WorkflowTimedOut', props.stateMachine.metricTimedOut({ period: five }), 1, 'agent fan-out executions timed out');

    // Async work and the turn log.
    const deadLetters = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: five, statistic: 'Maximum' });
    add('DeadLetters', deadLetters, 1, 'async work (checkpoint generation, async agents) failed and waits in the DLQ: npm run dead-letters');
    const gaps = turn(TURN_METRICS.turnLogGap, 'Sum');
    add('TurnLogGaps', gaps, 1, 'a committed turn has no turn-log item (audit gap); see the function logs for the conversation id');

    // Dashboard.
    const stack = Stack.of(this);
    const search = (expr: string, stat: string, label: string) =>
      new cloudwatch.MathExpression({ expression: `SEARCH('${expr}', '${stat}', 300)`, label, period: five });
    const agentDims = `{${METRICS_NAMESPACE},agent,service,status} service="${ORCHESTRATOR_SERVICE}"`;
    const latencyDims = `{${METRICS_NAMESPACE},agent,service} service="${ORCHESTRATOR_SERVICE}"`;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}-operations`,
      defaultInterval: Duration.hours(3),
    });
    const w = 12;
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Turn latency (ms)', left: [p50, p99], width: w, leftAnnotations: [{ value: latencyMs, label: 'alarm' }] }),
      new cloudwatch.GraphWidget({
        title: 'Turns by status class',
        left: ['2xx', '4xx', '5xx'].map((c) => turn(`${TURN_METRICS.responsesPrefix}${c}`, 'Sum', c)),
        width: w,
        stacked: true,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Agent results by agent and status', left: [search(`${agentDims} MetricName="${TURN_METRICS.agentCalls}"`, 'Sum', '')], width: w }),
      new cloudwatch.GraphWidget({ title: 'Agent latency p99 (ms)', left: [search(`${latencyDims} MetricName="${TURN_METRICS.agentLatency}"`, 'p99', '')], width: w }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Agent failure rate (%)', left: [failureRate], width: 8, leftAnnotations: [{ value: ratePercent, label: 'alarm' }] }),
      new cloudwatch.GraphWidget({ title: 'Escalations to a human', left: [turn(TURN_METRICS.escalations, 'Sum', 'escalations')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Turn-log gaps', left: [gaps], width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DynamoDB consumed capacity',
        left: [props.table.metricConsumedReadCapacityUnits({ period: five, label: 'read' }), props.table.metricConsumedWriteCapacityUnits({ period: five, label: 'write' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'DynamoDB throttled requests', left: [throttles], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Workflow executions',
        left: [
          props.stateMachine.metricSucceeded({ period: five, label: 'succeeded' }),
          props.stateMachine.metricFailed({ period: five, label: 'failed' }),
          props.stateMachine.metricTimedOut({ period: five, label: 'timed out' }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Dead-letter depth', left: [deadLetters], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'API',
        left: [props.api.metricCount({ period: five, label: 'requests' })],
        right: [props.api.metricServerError({ period: five, label: '5xx' }), props.api.metricClientError({ period: five, label: '4xx' })],
        width: 8,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 8 }),
    );
  }

  /** Console URL of the dashboard. */
  get dashboardUrl(): string {
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }
}
