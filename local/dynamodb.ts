/**
 * DynamoDB for the local stack: dynalite in-process on loopback, the stack's table(s) created at start
 * (same key schema as the template). In-memory by default; with `dataDir`, kept on disk between runs.
 */
import * as fs from 'node:fs';
import dynalite from 'dynalite';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import { close, listen } from './http-util.js';

export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startLocalDynamo(options: { port?: number; host?: string; tables: string[]; dataDir?: string }): Promise<LocalDynamo> {
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  }) as unknown as Server;
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  const endpoint = `http://${host}:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const table of options.tables) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      );
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err; // kept from an earlier run under dataDir
    }
    await client.send(new DescribeTableCommand({ TableName: table }));
  }
  client.destroy();
  return { endpoint, stop: () => close(server) };
}
