/**
 * Infra (issue #11): authorization on every method but GET /health, in dev and prod and in JWT mode; the
 * tenant data role limited by `dynamodb:LeadingKeys` to the session's tenant prefix; the orchestrate
 * function's own table access limited to the shared breaker items; config errors named.
 */
import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { OrchestratorStack } from '../../lib/orchestrator-stack.js';
import { LOCAL_TENANTS } from '../../lib/config.js';
import { LOCAL_IDENTITIES } from '../../local/identities.js';

function synth(context: Record<string, unknown> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  return Template.fromStack(new OrchestratorStack(app, 'Auth', { env: { account: '123456789012', region: 'us-east-1' } }));
}
const dev = synth({ env: 'dev' });
const prod = synth({ env: 'prod', tenants: JSON.stringify({ acme: { clients: ['arn:aws:iam::111122223333:role/acme-backend'], operators: ['arn:aws:iam::111122223333:role/acme-care'] } }) });
const jwt = synth({ env: 'prod', auth: 'jwt', jwtIssuer: 'https://id.example.org', jwtAudience: 'polaris' });

function methods(t: Template): Array<{ route: string; auth: string; authorizer: unknown }> {
  const resources = t.findResources('AWS::ApiGateway::Resource');
  const pathOf = (id: string): string => {
    const r = resources[id];
    if (!r) return '';
    const parent = r.Properties.ParentId?.Ref as string | undefined;
    return `${parent ? pathOf(parent) : ''}/${r.Properties.PathPart}`;
  };
  return Object.values(t.findResources('AWS::ApiGateway::Method')).map((m) => ({
    route: `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId?.Ref)}`,
    auth: m.Properties.AuthorizationType,
    authorizer: m.Properties.AuthorizerId,
  }));
}

describe('API authorization', () => {
  it.each([['dev', dev], ['prod', prod]])('%s: no method but GET /health has AuthorizationType NONE; the rest use AWS_IAM', (_env, t) => {
    const all = methods(t);
    expect(all.length).toBeGreaterThanOrEqual(7);
    expect(all.filter((m) => m.auth === 'NONE').map((m) => m.route)).toEqual(['GET /health']);
    for (const m of all.filter((x) => x.route !== 'GET /health')) expect(m.auth, m.route).toBe('AWS_IAM');
    expect(all.map((m) => m.route)).toEqual(expect.arrayContaining(['DELETE /individuals/{individual_id}', 'GET /audit', 'GET /health/details']));
  });

  it('auth=jwt: every method but GET /health uses the token authorizer, cached by token', () => {
    const all = methods(jwt);
    expect(all.filter((m) => m.auth === 'NONE').map((m) => m.route)).toEqual(['GET /health']);
    for (const m of all.filter((x) => x.route !== 'GET /health')) {
      expect(m.auth, m.route).toBe('CUSTOM');
      expect(m.authorizer, m.route).toBeDefined();
    }
    jwt.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    jwt.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ JWT_ISSUER: 'https://id.example.org', JWT_AUDIENCE: 'polaris', JWT_TENANT_CLAIM: 'tenant', JWT_ROLE_CLAIM: 'role' }) },
    });
  });

  it('the orchestrate function gets the tenants directory; dev maps exactly the documented local identities', () => {
    const envOf = (t: Template) =>
      Object.values(t.findResources('AWS::Lambda::Function')).find((f) => String(f.Properties.Description).startsWith('One conversation turn'))!.Properties.Environment.Variables;
    expect(JSON.parse(envOf(dev).TENANTS)).toEqual(LOCAL_TENANTS);
    for (const id of LOCAL_IDENTITIES) {
      const entry = LOCAL_TENANTS[id.tenant]!;
      expect(id.role === 'client' ? entry.clients : entry.operators).toContain(id.principalArn);
    }
    expect(JSON.parse(envOf(prod).TENANTS)).toHaveProperty('acme');
    expect(envOf(prod).TENANT_ROLE_ARN).toBeDefined();
  });
});

describe('tenant-scoped DynamoDB access', () => {
  it.each([['dev', dev], ['prod', prod]])('%s: the tenant data role may touch only items whose key begins with its session tag tenant', (_env, t) => {
    const roles = t.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('Tenant-scoped table access') } });
    const [roleId, role] = Object.entries(roles)[0]!;
    // Trust: the orchestrate role only, with a tenant session tag.
    const trust = role.Properties.AssumeRolePolicyDocument.Statement as Array<Record<string, any>>;
    expect(trust.flatMap((s) => [s.Action].flat())).toEqual(expect.arrayContaining(['sts:AssumeRole', 'sts:TagSession']));
    expect(JSON.stringify(trust)).toMatch(/aws:RequestTag\/tenant/);
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
    const dynamo = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['T#${aws:PrincipalTag/tenant}#*'] } });
    expect([dynamo[0]!.Action].flat()).not.toContain('dynamodb:Scan');
  });

  it('the orchestrate function reaches tenant data only through that role: its own table access is the breakers', () => {
    const fnRoleIds = Object.entries(prod.findResources('AWS::IAM::Role'))
      .filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'))
      .map(([id]) => id);
    const orchestrateRole = fnRoleIds.find((id) => id.startsWith('Orchestrate'))!;
    const statements = Object.values(prod.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(orchestrateRole))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
    const dynamo = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const s of dynamo) expect(s.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['BREAKER#*'] } });
    expect(statements.some((s) => [s.Action].flat().includes('sts:AssumeRole'))).toBe(true);
  });
});

describe('access configuration errors name the key', () => {
  it.each([
    [{ auth: 'basic' }, /"auth" must be one of iam, jwt/],
    [{ tenants: '{"a#b":{"clients":[]}}' }, /tenants/],
    [{ tenants: '{"a":{"clients":["not-an-arn"]}}' }, /IAM principal ARN/],
    [{ tenants: '{"a":{"clients":["arn:aws:iam::111122223333:role/x"]},"b":{"operators":["arn:aws:iam::111122223333:role/x"]}}' }, /more than once/],
    [{ env: 'prod', auth: 'jwt' }, /jwtIssuer/],
  ])('%j', (context, message) => {
    expect(() => synth(context)).toThrow(message);
  });
});
