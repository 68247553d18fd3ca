/**
 * Reads a synthesized CloudFormation template and turns it into what the local stack needs: each
 * Lambda function (logical id, bundled asset folder, handler, timeout, environment with intrinsics
 * resolved to local names), the state machines, the table, and the API's routes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}
export interface Template {
  Resources: Record<string, Resource>;
}

export interface LocalFunction {
  logicalId: string;
  /** Local function name (= logical id) and ARN. */
  name: string;
  arn: string;
  assetDir: string;
  /** e.g. `index.handler` */
  handler: string;
  timeoutSeconds: number;
  environment: Record<string, string>;
  /** From `aws:cdk:path`, for humans. */
  cdkPath: string;
}

export interface LocalRoute {
  method: string;
  /** e.g. `/conversations/{id}/resume` */
  resourcePath: string;
  authorizationType: string;
  functionLogicalId: string;
  /** CUSTOM authorization: the Lambda (TOKEN) authorizer of the method. */
  authorizer?: LocalAuthorizer;
}

export interface LocalAuthorizer {
  logicalId: string;
  functionLogicalId: string;
  /** Request header holding the token (from `method.request.header.<Name>`). */
  header: string;
  ttlSeconds: number;
}

export interface LocalStateMachine {
  logicalId: string;
  arn: string;
  type: string;
  /** The DefinitionString with intrinsics resolved, parsed. */
  definition: Record<string, unknown>;
}

export interface LocalTemplate {
  functions: Map<string, LocalFunction>;
  stateMachines: LocalStateMachine[];
  tables: string[];
  routes: LocalRoute[];
  stage: string;
}

/** Raised when the template lacks something the local stack needs (names what, and where to look). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

export function functionArn(name: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
}
export function stateMachineArn(name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}

/** Local equivalents of Ref / Fn::GetAtt for the resource types the stack uses. */
function resolver(template: Template) {
  const ref = (id: string): string => {
    if (id === 'AWS::Region') return LOCAL_REGION;
    if (id === 'AWS::AccountId') return LOCAL_ACCOUNT;
    if (id === 'AWS::Partition') return 'aws';
    if (id === 'AWS::URLSuffix') return 'amazonaws.com';
    const r = template.Resources[id];
    if (!r) throw new TemplateError(`Ref to unknown resource ${id}`);
    if (r.Type === 'AWS::StepFunctions::StateMachine') return stateMachineArn(id);
    if (r.Type === 'AWS::SQS::Queue') return `http://localhost/queue/${id}`;
    return id; // tables, functions, log groups, keys: the logical id is the local name
  };
  const getAtt = (id: string, attr: string): string => {
    const r = template.Resources[id];
    if (!r) throw new TemplateError(`Fn::GetAtt on unknown resource ${id}`);
    if (attr === 'Arn') {
      switch (r.Type) {
        case 'AWS::Lambda::Function':
          return functionArn(id);
        case 'AWS::StepFunctions::StateMachine':
          return stateMachineArn(id);
        case 'AWS::DynamoDB::Table':
          return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${id}`;
        case 'AWS::SQS::Queue':
          return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}`;
        default:
          return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}`;
      }
    }
    if (attr === 'QueueName') return id;
    return `${id}.${attr}`;
  };
  const resolve = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 1) {
        const [k] = keys as [string];
        const arg = v[k] as Json;
        if (k === 'Ref') return ref(arg as string);
        if (k === 'Fn::GetAtt') {
          const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
          return getAtt(id!, attr!);
        }
        if (k === 'Fn::Join') {
          const [sep, parts] = arg as [string, Json[]];
          return parts.map((p) => String(resolve(p))).join(sep);
        }
        if (k === 'Fn::Sub' && typeof arg === 'string') {
          return arg.replace(/\$\{([^}]+)\}/g, (_m, name: string) =>
            name.includes('.') ? getAtt(name.split('.')[0]!, name.split('.')[1]!) : ref(name),
          );
        }
      }
      return Object.fromEntries(Object.entries(v).map(([kk, vv]) => [kk, resolve(vv)]));
    }
    return v;
  };
  return resolve;
}

/** Full path of an API Gateway resource, from its PathPart chain. */
function resourcePath(template: Template, id: string, apiRootIds: Set<string>): string {
  const r = template.Resources[id];
  if (!r || r.Type !== 'AWS::ApiGateway::Resource') return '';
  const parent = r.Properties?.ParentId as Json;
  const parentId =
    parent && typeof parent === 'object' && !Array.isArray(parent)
      ? 'Ref' in parent
        ? (parent.Ref as string)
        : ((parent['Fn::GetAtt'] as string[])[0] as string)
      : '';
  const prefix = apiRootIds.has(parentId) ? '' : resourcePath(template, parentId, apiRootIds);
  return `${prefix}/${r.Properties?.PathPart as string}`;
}

/** Which function an API method's AWS_PROXY integration invokes (from its Uri's GetAtt). */
function integrationTarget(integration: Json): string | undefined {
  const text = JSON.stringify(integration);
  const m = text.match(/"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/);
  return m?.[1];
}

/** A TOKEN authorizer resource → the function it invokes, the token header and the cache TTL. */
function localAuthorizer(template: Template, logicalId: string): LocalAuthorizer {
  const p = template.Resources[logicalId]?.Properties ?? {};
  const fn = integrationTarget(p.AuthorizerUri as Json);
  if (!fn) throw new TemplateError(`authorizer ${logicalId} has no Lambda function in its AuthorizerUri`);
  const source = String(p.IdentitySource ?? 'method.request.header.Authorization');
  return {
    logicalId,
    functionLogicalId: fn,
    header: source.replace(/^method\.request\.header\./, ''),
    ttlSeconds: Number(p.AuthorizerResultTtlInSeconds ?? 300),
  };
}

export function loadTemplate(templatePath: string): LocalTemplate {
  if (!fs.existsSync(templatePath)) {
    throw new TemplateError(`no template at ${templatePath}: run \`npm run synth\` first`);
  }
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as Template;
  const outDir = path.dirname(templatePath);
  const resolve = resolver(template);
  const functions = new Map<string, LocalFunction>();
  const stateMachines: LocalStateMachine[] = [];
  const tables: string[] = [];
  const routes: LocalRoute[] = [];
  const apiIds = new Set<string>();
  let stage = 'dev';

  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::RestApi' || r.Type === 'AWS::ApiGateway::RestApi') apiIds.add(id);
  }
  for (const [id, r] of Object.entries(template.Resources)) {
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::Lambda::Function': {
        const asset = r.Metadata?.['aws:asset:path'];
        if (typeof asset !== 'string') break; // inline/custom-resource functions are not ours
        const env = resolve(((p.Environment as Record<string, Json> | undefined)?.Variables ?? {}) as Json) as Record<string, Json>;
        functions.set(id, {
          logicalId: id,
          name: id,
          arn: functionArn(id),
          assetDir: path.resolve(outDir, asset),
          handler: String(p.Handler ?? 'index.handler'),
          timeoutSeconds: Number(p.Timeout ?? 3),
          environment: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
          cdkPath: String(r.Metadata?.['aws:cdk:path'] ?? id),
        });
        break;
      }
      case 'AWS::StepFunctions::StateMachine': {
        const def = resolve(p.DefinitionString as Json);
        stateMachines.push({
          logicalId: id,
          arn: stateMachineArn(id),
          type: String(p.StateMachineType ?? 'STANDARD'),
          definition: JSON.parse(String(def)) as Record<string, unknown>,
        });
        break;
      }
      case 'AWS::DynamoDB::Table':
        tables.push(id);
        break;
      case 'AWS::ApiGateway::Stage':
        stage = String(p.StageName ?? stage);
        break;
      case 'AWS::ApiGateway::Method': {
        const method = String(p.HttpMethod);
        if (method === 'OPTIONS') break;
        const target = integrationTarget(p.Integration as Json);
        if (!target) break;
        const resId = (p.ResourceId as Record<string, Json>) ?? {};
        const resourceLogicalId =
          'Ref' in resId ? (resId.Ref as string) : ((resId['Fn::GetAtt'] as string[] | undefined)?.[0] ?? '');
        const full = apiIds.has(resourceLogicalId) ? '/' : resourcePath(template, resourceLogicalId, apiIds);
        const authorizerRef = (p.AuthorizerId as Record<string, Json> | undefined)?.['Ref'];
        const authorizer = typeof authorizerRef === 'string' ? localAuthorizer(template, authorizerRef) : undefined;
        routes.push({
          method,
          resourcePath: full,
          authorizationType: String(p.AuthorizationType ?? 'NONE'),
          functionLogicalId: target,
          ...(authorizer ? { authorizer } : {}),
        });
        break;
      }
      default:
        break;
    }
  }
  return { functions, stateMachines, tables, routes, stage };
}
