/**
 * The care-team hand-off: an EventBridge bus that receives `HumanEscalationRequested` events from the
 * orchestrate function (source `polaris.orchestrator`; ids, category, severity, times — never text), an
 * example rule that forwards them to an SNS topic a care team subscribes to (pager, e-mail, a ticketing
 * hook), and an alarm on the `EscalationPublishFailed` metric (a hand-off that failed after retries).
 *
 * The topic is encrypted with a customer-managed key (the stack's key, or one of its own): EventBridge can
 * publish to an encrypted topic only when the key lets events.amazonaws.com use it, which an AWS-managed key
 * does not allow.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ESCALATION_DETAIL_TYPE, ESCALATION_SOURCE } from '../../functions/core/safety/escalation-event.js';

export interface EscalationEventsProps {
  /** The function that publishes (granted events:PutEvents on the bus only). */
  publisher: lambda.IFunction;
  /** Stack key when the deployment has one; otherwise the topic gets its own key. */
  key?: kms.IKey;
  /** Where the publish-failure alarm goes (the on-call alarm topic). */
  alarmTopic?: sns.ITopic;
  removalPolicy?: RemovalPolicy;
}

export class EscalationEvents extends Construct {
  readonly bus: events.EventBus;
  readonly careTeamTopic: sns.Topic;
  readonly rule: events.Rule;
  readonly publishFailedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EscalationEventsProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { description: 'Polaris escalations for a care team (ids only, never patient text)' });

    const key =
      props.key ??
      new kms.Key(this, 'TopicKey', {
        description: 'Polaris care-team escalation topic',
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.careTeamTopic = new sns.Topic(this, 'CareTeamTopic', {
      displayName: 'Polaris: a patient needs a person now',
      enforceSSL: true,
      masterKey: key,
    });

    this.rule = new events.Rule(this, 'ToCareTeam', {
      eventBus: this.bus,
      description: 'Example: every escalation to the care-team topic (subscribe a pager, e-mail or ticketing hook)',
      eventPattern: { source: [ESCALATION_SOURCE], detailType: [ESCALATION_DETAIL_TYPE] },
    });
    this.rule.addTarget(new targets.SnsTopic(this.careTeamTopic, { retryAttempts: 185, maxEventAge: Duration.hours(24) }));

    this.bus.grantPutEventsTo(props.publisher);

    this.publishFailedAlarm = new cloudwatch.Alarm(this, 'PublishFailed', {
      metric: new cloudwatch.Metric({
        namespace: 'PolarisOrchestrator',
        metricName: 'EscalationPublishFailed',
        dimensionsMap: { service: 'orchestrator' },
        statistic: 'Sum',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'An escalation could not be handed to the care team after retries: check the bus and follow up the conversation from the logs',
    });
    if (props.alarmTopic) this.publishFailedAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
  }
}
