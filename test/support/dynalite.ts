/**
 * In-process DynamoDB for tests, benchmarks and the local stack: dynalite (pure JS, in memory) on a free
 * loopback port, with the project's single table already created and a document client pointed at it.
 * Each caller gets its own server and table, so test files never share state.
 *
 * dynalite limits (see TOOLCHAIN.md): no TransactWriteItems, no UpdateTimeToLive, TTL never expires items,
 * ReturnValuesOnConditionCheckFailure returns no item. Nothing here depends on those.
 */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTable } from '../../local/dynamodb.js';

export { createTable };
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A running dynalite with the single table created. */
export interface DynaliteHandle {
  /** http://127.0.0.1:<port> — pass to other clients or as AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  /** Document client (removeUndefinedValues) pointed at `endpoint`. */
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Closes the client and the server (open keep-alive sockets included). */
  stop(): Promise<void>;
}

/** The same marshalling options the Lambda store uses, so tests see what production writes. */
export const DOCUMENT_CLIENT_TRANSLATE = {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  unmarshallOptions: { wrapNumbers: false },
} as const;

/**
 * Start dynalite in this process on a free 127.0.0.1 port, create the table and return a document client.
 * Call `stop()` in afterAll.
 */
export async function startDynalite(options: { tableName?: string } = {}): Promise<DynaliteHandle> {
  const tableName = options.tableName ?? 'polaris-test';
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const base = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const client = DynamoDBDocumentClient.from(base, DOCUMENT_CLIENT_TRANSLATE);
  await createTable(client, tableName);
  return {
    endpoint,
    client,
    tableName,
    async stop() {
      client.destroy();
      base.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A second, independent document client on the same endpoint (another "container"). */
export function newDocumentClient(endpoint: string): DynamoDBDocumentClient {
  const base = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return DynamoDBDocumentClient.from(base, DOCUMENT_CLIENT_TRANSLATE);
}
