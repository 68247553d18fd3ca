/**
 * Work handed off after a turn is committed: the checkpoint-generator Lambda (async invoke), with an
 * on-failure destination to an SQS dead-letter queue that keeps the whole invocation record (request
 * payload included), so a failed generation can be replayed. The same DLQ serves the async agents.
 */
import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OrchestratorFunction } from './function.js';

export interface AsyncWorkersProps {
  table: dynamodb.ITable;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  logLevel: string;
  stateRetentionDays: number;
  key?: kms.IKey;
  checkpointUrl?: string;
  /** Individual memory (issue #16): retention and the optional external Memory Service. */
  memoryRetentionDays?: number;
  memoryUrl?: string;
}

export class AsyncWorkers extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly checkpointGenerator: OrchestratorFunction;
  /** Applies each committed turn's structured facts to the individual's memory (issue #16). */
  readonly memoryWriter: OrchestratorFunction;

  constructor(scope: Construct, id: string, props: AsyncWorkersProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      encryption: props.key ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
      encryptionMasterKey: props.key,
      removalPolicy: props.removalPolicy,
    });

    this.checkpointGenerator = new OrchestratorFunction(this, 'CheckpointGenerator', {
      entry: 'functions/checkpoint-generator/handler.ts',
      description: 'Generates the next checkpoints after a turn and merges them into the conversation state',
      serviceName: 'checkpoint-generator',
      timeout: Duration.seconds(30),
      memorySize: 256,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      logLevel: props.logLevel,
      logKey: props.key,
      reservedConcurrentExecutions: 20,
      environment: {
        TABLE_NAME: props.table.tableName,
        STATE_RETENTION_DAYS: String(props.stateRetentionDays),
        ...(props.checkpointUrl ? { CHECKPOINT_URL: props.checkpointUrl } : {}),
      },
    });
    props.table.grantReadWriteData(this.checkpointGenerator.fn);
    this.useDeadLetterQueue(this.checkpointGenerator.fn);

    this.memoryWriter = new OrchestratorFunction(this, 'MemoryWriter', {
      entry: 'functions/memory-writer/handler.ts',
      description: "Applies a committed turn's structured facts to the individual's memory (version-conditioned, idempotent per turn)",
      serviceName: 'memory-writer',
      timeout: Duration.seconds(30),
      memorySize: 256,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      logLevel: props.logLevel,
      logKey: props.key,
      reservedConcurrentExecutions: 20,
      environment: {
        TABLE_NAME: props.table.tableName,
        MEMORY_RETENTION_DAYS: String(props.memoryRetentionDays ?? 365),
        ...(props.memoryUrl ? { MEMORY_URL: props.memoryUrl } : {}),
      },
    });
    props.table.grantReadWriteData(this.memoryWriter.fn);
    this.useDeadLetterQueue(this.memoryWriter.fn);
  }

  /** Async invocations of `fn` retry twice, then land in the DLQ with their payload. */
  useDeadLetterQueue(fn: lambda.Function): void {
    fn.configureAsyncInvoke({
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
    });
  }
}
