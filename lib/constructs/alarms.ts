/**
 * Alarms an on-call engineer needs for this service: turns failing (API 5xx, orchestrate errors or
 * throttles), the agent workflow failing or timing out, and failed async work piling up in the DLQ.
 * Actions go to an SNS topic (subscribe your pager to it).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface AlarmsProps {
  api: apigw.RestApi;
  orchestrate: lambda.IFunction;
  stateMachine: sfn.IStateMachine;
  deadLetterQueue: sqs.IQueue;
  key?: kms.IKey;
}

export class OrchestratorAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', { enforceSSL: true, masterKey: props.key });
    const five = Duration.minutes(5);
    const add = (name: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const alarm = new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(new actions.SnsAction(this.topic));
      this.alarms.push(alarm);
    };
    add('Api5xx', props.api.metricServerError({ period: five, statistic: 'Sum' }), 5, 'API answered 5xx: turns are failing');
    add('OrchestrateErrors', props.orchestrate.metricErrors({ period: five }), 1, 'orchestrate Lambda threw');
    add('OrchestrateThrottles', props.orchestrate.metricThrottles({ period: five }), 1, 'orchestrate Lambda throttled');
    add('WorkflowFailed', props.stateMachine.metricFailed({ period: five }), 5, 'agent fan-out executions failed');
    add('WorkflowTimedOut', props.stateMachine.metricTimedOut({ period: five }), 1, 'agent fan-out executions timed out');
    add(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: five, statistic: 'Maximum' }),
      1,
      'async work (checkpoint generation, async agents) failed and waits in the DLQ for replay',
    );
  }
}
