/**
 * DynamoDB for the local stack: dynalite in-process on loopback, the stack's table(s) created at start
 * (same key schema as the template). In-memory by default; with `dataDir`, kept on disk between runs.
 */
import * as fs from 'node:fs';
import dynalite from 'dynalite';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Server } from 'node:http';
import { close, listen } from './http-util.js';
import { CONVERSATION_LIST_INDEX } from '../functions/adapters/keys.js';

/**
 * Create the single table (pk S HASH, sk S RANGE, on demand, the sparse conversation-list GSI) and wait until it is ACTIVE.
 * Used by the local stack and by test/support/dynalite.ts. An already existing table is accepted as is.
 */
export async function createTable(client: DynamoDBDocumentClient | DynamoDBClient, name: string): Promise<void> {
  // A document client sends plain client-dynamodb commands unchanged; the cast only unifies the overloads.
  const raw = client as DynamoDBClient;
  try {
    await raw.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: CONVERSATION_LIST_INDEX.pk, AttributeType: 'S' },
          { AttributeName: CONVERSATION_LIST_INDEX.sk, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        // The template's sparse list index (lib/constructs/state-table.ts), same keys and projection.
        GlobalSecondaryIndexes: [
          {
            IndexName: CONVERSATION_LIST_INDEX.name,
            KeySchema: [
              { AttributeName: CONVERSATION_LIST_INDEX.pk, KeyType: 'HASH' },
              { AttributeName: CONVERSATION_LIST_INDEX.sk, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...CONVERSATION_LIST_INDEX.projected] },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
  }
  // dynalite keeps a table CREATING for createTableMs (0 here, but the switch is still asynchronous).
  for (let attempt = 0; attempt < 200; attempt++) {
    const described = await raw.send(new DescribeTableCommand({ TableName: name }));
    if (described.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}

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
  for (const table of options.tables) await createTable(client, table);
  client.destroy();
  return { endpoint, stop: () => close(server) };
}
