/**
 * Tenant-scoped DynamoDB credentials (functions/adapters/tenant-client.ts): STS AssumeRole with the tenant
 * session tag, cached per tenant and refreshed before expiry (aws-sdk-client-mock); the offline emulation
 * of the LeadingKeys rule against dynalite (another tenant's key → AccessDeniedException, nothing written).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TenantClients, TenantCredentials, tenantScopingMode } from '../../../functions/adapters/tenant-client.js';
import { conversationPk } from '../../../functions/adapters/keys.js';
import { startDynalite, type DynaliteHandle } from '../../support/dynalite.js';

const ROLE = 'arn:aws:iam::123456789012:role/TenantData';
const sts = mockClient(STSClient);

function creds(n: number, expiresAt: number) {
  return { Credentials: { AccessKeyId: `AKIA${n}`, SecretAccessKey: `secret-${n}`, SessionToken: `token-${n}`, Expiration: new Date(expiresAt) } };
}

describe('STS credentials per tenant', () => {
  beforeEach(() => sts.reset());

  it('AssumeRole on the tenant role with the session tag tenant=<id>; cached per tenant', async () => {
    let now = Date.UTC(2026, 10, 24, 8, 0, 0);
    let n = 0;
    sts.on(AssumeRoleCommand).callsFake(async () => creds(++n, now + 3600_000));
    const cache = new TenantCredentials({ sts: new STSClient({ region: 'us-east-1' }), roleArn: ROLE, now: () => now });
    const a1 = await cache.provider('acme')();
    const a2 = await cache.get('acme');
    const b = await cache.get('globex');
    expect(a1).toEqual(a2);
    expect(a1.accessKeyId).not.toBe(b.accessKeyId);
    const calls = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ RoleArn: ROLE, RoleSessionName: 'tenant-acme', Tags: [{ Key: 'tenant', Value: 'acme' }] });
    expect(calls[1]).toMatchObject({ Tags: [{ Key: 'tenant', Value: 'globex' }] });
    expect(a1).toMatchObject({ accessKeyId: 'AKIA1', secretAccessKey: 'secret-1', sessionToken: 'token-1' });

    // 50 minutes later: still valid for 10 more minutes → cached. 55 minutes: within the refresh margin → new credentials.
    now += 50 * 60_000;
    expect((await cache.get('acme')).accessKeyId).toBe('AKIA1');
    now += 5 * 60_000;
    expect((await cache.get('acme')).accessKeyId).toBe('AKIA3');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(3);
  });

  it('concurrent first requests share one AssumeRole; a failure is not cached', async () => {
    sts.on(AssumeRoleCommand).rejectsOnce(new Error('throttled')).resolves(creds(7, Date.now() + 3600_000));
    const cache = new TenantCredentials({ sts: new STSClient({ region: 'us-east-1' }), roleArn: ROLE });
    await expect(cache.get('acme')).rejects.toThrow('throttled');
    const [x, y] = await Promise.all([cache.get('acme'), cache.get('acme')]);
    expect(x).toBe(y);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('refuses an invalid tenant id and needs a role in sts mode', () => {
    const cache = new TenantCredentials({ sts: new STSClient({ region: 'us-east-1' }), roleArn: ROLE });
    expect(() => cache.provider('a#b')).toThrow(/invalid tenant/);
    expect(() => new TenantClients({ mode: 'sts', shared: () => { throw new Error('unused'); } })).toThrow(/TENANT_ROLE_ARN/);
    expect(tenantScopingMode({ TENANT_ROLE_ARN: ROLE })).toBe('sts');
    expect(tenantScopingMode({})).toBe('off');
    expect(tenantScopingMode({ TENANT_SCOPING: 'emulate', TENANT_ROLE_ARN: ROLE })).toBe('emulate');
    expect(() => tenantScopingMode({ TENANT_SCOPING: 'yes' })).toThrow(/TENANT_SCOPING/);
  });

  it('the sts-mode client signs DynamoDB requests with the tenant credentials', async () => {
    sts.on(AssumeRoleCommand).resolves(creds(9, Date.now() + 3600_000));
    const clients = new TenantClients({ mode: 'sts', roleArn: ROLE, sts: new STSClient({ region: 'us-east-1' }), shared: () => { throw new Error('unused'); } });
    const doc = clients.forTenant('acme');
    expect(clients.forTenant('acme')).toBe(doc);
    const identity = await doc.config.credentials();
    expect(identity).toMatchObject({ accessKeyId: 'AKIA9', sessionToken: 'token-9' });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input.Tags).toEqual([{ Key: 'tenant', Value: 'acme' }]);
  });
});

describe('emulated LeadingKeys offline (TENANT_SCOPING=emulate)', () => {
  let db: DynaliteHandle;
  let clients: TenantClients;
  const saved = { ...process.env };
  beforeAll(async () => {
    db = await startDynalite();
    Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    clients = new TenantClients({ mode: 'emulate', shared: () => db.client });
  });
  afterAll(async () => {
    process.env = saved;
    await db.stop();
  });

  it('the tenant client reads and writes its own keys only', async () => {
    const acme = clients.forTenant('acme');
    const own = { pk: conversationPk('acme', 'c1'), sk: 'STATE' };
    await acme.send(new PutCommand({ TableName: db.tableName, Item: { ...own, v: 1 } }));
    expect((await acme.send(new GetCommand({ TableName: db.tableName, Key: own }))).Item).toMatchObject({ v: 1 });
    const q = await acme.send(new QueryCommand({ TableName: db.tableName, KeyConditionExpression: '#p = :p', ExpressionAttributeNames: { '#p': 'pk' }, ExpressionAttributeValues: { ':p': own.pk } }));
    expect(q.Items).toHaveLength(1);

    const other = { pk: conversationPk('globex', 'c1'), sk: 'STATE' };
    await expect(acme.send(new PutCommand({ TableName: db.tableName, Item: { ...other, v: 2 } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(acme.send(new GetCommand({ TableName: db.tableName, Key: other }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(acme.send(new QueryCommand({ TableName: db.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': other.pk } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(
      acme.send(new BatchWriteCommand({ RequestItems: { [db.tableName]: [{ DeleteRequest: { Key: own } }, { DeleteRequest: { Key: other } }] } })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(acme.send(new ScanCommand({ TableName: db.tableName }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // A prefix look-alike is another tenant too.
    await expect(acme.send(new GetCommand({ TableName: db.tableName, Key: { pk: 'T#acme-evil#CONV#c1', sk: 'STATE' } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });

    // Nothing of the refused requests reached the table; the batch with one bad key wrote nothing.
    expect((await db.client.send(new GetCommand({ TableName: db.tableName, Key: other }))).Item).toBeUndefined();
    expect((await db.client.send(new GetCommand({ TableName: db.tableName, Key: own }))).Item).toBeDefined();
  });
});
