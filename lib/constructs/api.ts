/**
 * The public HTTPS front: a regional REST API with access logs (ids and statuses, never bodies),
 * stage throttling, X-Ray, and CORS only when origins are configured.
 *   POST   /orchestrate                    one conversation turn              (client)
 *   GET    /health                         liveness: status, service, version  (public, the only one)
 *   GET    /health/details                 liveness + cache internals          (operator)
 *   GET    /conversations/{id}             operator inspection                 (operator, audited)
 *   POST   /conversations/{id}/resume      operator resume                     (operator, audited)
 *   DELETE /individuals/{individual_id}    right to erasure                    (operator, audited)
 *   GET    /audit                          the tenant's operator audit         (operator)
 *   GET    /conversations                  operator list                       (operator)
 *   GET    /conversations/{id}/turns       operator turn log                   (operator, audited)
 *   GET    /openapi.json                   the OpenAPI document                (any authenticated caller)
 * Every route but GET /health is authenticated by API Gateway: IAM (SigV4) by default, or the JWT
 * authorizer (auth=jwt). Tenant and role are resolved from that identity in the function (identity.ts).
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
  /** JWT authorizer (auth=jwt); when absent every route but GET /health uses IAM (SigV4) authorization. */
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
              allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
              allowHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Content-Sha256', 'X-Multitask-Strategy'],
            }
          : undefined,
    });

    const integration = new apigw.LambdaIntegration(props.handler, { proxy: true });
    const auth: apigw.MethodOptions = props.authorizer
      ? { authorizer: props.authorizer, authorizationType: apigw.AuthorizationType.CUSTOM }
      : { authorizationType: apigw.AuthorizationType.IAM };

    this.api.root.addResource('orchestrate').addMethod('POST', integration, auth);
    const health = this.api.root.addResource('health');
    health.addMethod('GET', integration, { authorizationType: apigw.AuthorizationType.NONE });
    health.addResource('details').addMethod('GET', integration, auth);
    // The OpenAPI document holds no data, but only GET /health is unauthenticated (issue #11): any caller.
    this.api.root.addResource('openapi.json').addMethod('GET', integration, auth);
    const conversations = this.api.root.addResource('conversations');
    conversations.addMethod('GET', integration, auth);
    const conversation = conversations.addResource('{id}');
    conversation.addMethod('GET', integration, auth);
    conversation.addResource('resume').addMethod('POST', integration, auth);
    conversation.addResource('turns').addMethod('GET', integration, auth);
    this.api.root.addResource('individuals').addResource('{individual_id}').addMethod('DELETE', integration, auth);
    this.api.root.addResource('audit').addMethod('GET', integration, auth);

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
