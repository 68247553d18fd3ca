/**
 * The single DynamoDB table: conversation state (CONV#<id>/STATE), turn log (CONV#<id>/TURN#<seq>),
 * circuit-breaker state (BREAKER#<agent>/STATE) and idempotency records (IDEMPOTENCY#<key>/REQUEST); keys
 * in functions/adapters/keys.ts. One sparse GSI lists a tenant's conversations by last update (operators).
 * On-demand, TTL on `expires_at`, point-in-time recovery, encrypted (AWS-managed, or the customer key).
 */
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CONVERSATION_LIST_INDEX } from '../../functions/adapters/keys.js';

export interface StateTableProps {
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  key?: kms.IKey;
  /** Add a daily AWS Backup plan (35-day retention) selecting this table. */
  backupPlan: boolean;
}

export class StateTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StateTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expires_at',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: props.key ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
      encryptionKey: props.key,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
    // Sparse: only conversation state items carry the keys (set by the state write itself, keys.ts).
    this.table.addGlobalSecondaryIndex({
      indexName: CONVERSATION_LIST_INDEX.name,
      partitionKey: { name: CONVERSATION_LIST_INDEX.pk, type: dynamodb.AttributeType.STRING },
      sortKey: { name: CONVERSATION_LIST_INDEX.sk, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...CONVERSATION_LIST_INDEX.projected],
    });
    if (props.backupPlan) {
      const plan = backup.BackupPlan.daily35DayRetention(this, 'Backup');
      plan.addSelection('Selection', { resources: [backup.BackupResource.fromDynamoDbTable(this.table)] });
    }
  }
}
