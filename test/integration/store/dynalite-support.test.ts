import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, newDocumentClient, type DynaliteHandle } from '../../support/dynalite.js';

describe('test/support/dynalite', () => {
  let db: DynaliteHandle;
  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => {
    await db.stop();
  });

  it('serves the single table on a loopback port and drops undefined values', async () => {
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await db.client.send(new PutCommand({ TableName: db.tableName, Item: { pk: 'A', sk: 'B', x: 1, gone: undefined } }));
    const other = newDocumentClient(db.endpoint);
    const got = await other.send(new GetCommand({ TableName: db.tableName, Key: { pk: 'A', sk: 'B' } }));
    other.destroy();
    expect(got.Item).toEqual({ pk: 'A', sk: 'B', x: 1 });
  });
});
