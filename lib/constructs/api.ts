/**
 * The public HTTPS front: a regional REST API with access logs (ids and statuses, never bodies),
 * stage throttling, X-Ray, and CORS only when origins are configured.
 *   POST /orchestrate                 one conversation turn (authorizer seam: `authorizer` prop)
 *   GET  /health                      liveness, seed-compatible body
 *   GET  /conversations/{id}          operator inspection   (IAM-authenticated)
 *   POST /conversations/{id}/resume   operator resume        (IAM-authenticated)
 *   GET  /conversations               operator list          (IAM-authenticated)
 *   GET  /conversations/{id}/turns    operator turn log      (IAM-authenticated)
 *   GET  /openapi.json                the OpenAPI document   (open, like /health: no data)
 */
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface OrchestratorApiProps {
  handler: lambda.IFunction;
  throttle: { rateLimit: number; burstLimit: number };
  corsOrigins: string[];
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
  logKey?: kms.IKey;
  /** Authorizer for the turn route; when absent the route is open and protected by throttling only. */
  authorizer?: apigw.IAuthorizer;
  stageName: string;
}

export class OrchestratorApi extends Construct {
  readonly api: apigw.RestApi;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: OrchestratorApiProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
      encryptionKey: props.logKey,
    });
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: 'polaris-orchestrator',
      description: 'Polaris Orchestrator: conversation turns for the health-companion platform',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stageName,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        tracingEnabled: true,
        metricsEnabled: true,
        // Execution logs at ERROR without data trace: request bodies are health data.
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
      },
      defaultCorsPreflightOptions:
        props.corsOrigins.length > 0
          ? {
              allowOrigins: props.corsOrigins,
              allowMethods: ['GET', 'POST', 'OPTIONS'],
              allowHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Content-Sha256'],
            }
          : undefined,
    });

    const integration = new apigw.LambdaIntegration(props.handler, { proxy: true });
    const turnAuth: apigw.MethodOptions = props.authorizer
      ? { authorizer: props.authorizer }
      : { authorizationType: apigw.AuthorizationType.NONE };
    const operatorAuth: apigw.MethodOptions = { authorizationType: apigw.AuthorizationType.IAM };

    this.api.root.addResource('orchestrate').addMethod('POST', integration, turnAuth);
    this.api.root.addResource('health').addMethod('GET', integration, { authorizationType: apigw.AuthorizationType.NONE });
    this.api.root.addResource('openapi.json').addMethod('GET', integration, { authorizationType: apigw.AuthorizationType.NONE });
    const conversations = this.api.root.addResource('conversations');
    conversations.addMethod('GET', integration, operatorAuth);
    const conversation = conversations.addResource('{id}');
    conversation.addMethod('GET', integration, operatorAuth);
    conversation.addResource('resume').addMethod('POST', integration, operatorAuth);
    conversation.addResource('turns').addMethod('GET', integration, operatorAuth);

    // Errors produced by API Gateway itself answer in the same JSON shape as the handler's.
    for (const [type, message] of [
      [apigw.ResponseType.DEFAULT_4XX, '$context.error.messageString'],
      [apigw.ResponseType.DEFAULT_5XX, 'internal error'],
    ] as const) {
      this.api.addGatewayResponse(`Gw${type.responseType}`, {
        type,
        templates: { 'application/json': `{"error":"${message === 'internal error' ? message : `$util.escapeJavaScript(${message})`}","request_id":"$context.requestId"}` },
      });
    }
  }
}
