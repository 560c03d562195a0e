/**
 * Test helper: dynalite in-process on a free port, with the lessons table created from the
 * shared schema. Only for tests.
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { dynamoClient } from '../tables/client.ts';
import { TABLES, tableName } from '../tables/schema.ts';

export interface LocalDynamo {
  readonly dynamo: DynamoDBClient;
  readonly tablePrefix: string;
  readonly lessonsTable: string;
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startLocalDynamo(tablePrefix = 'lectern-test-'): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const dynamo = dynamoClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}` });
  const lessonsTable = tableName(tablePrefix, TABLES.lessons);
  await dynamo.send(
    new CreateTableCommand({
      TableName: lessonsTable,
      KeySchema: [
        { AttributeName: TABLES.lessons.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLES.lessons.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: TABLES.lessons.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLES.lessons.sortKey, AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    dynamo,
    tablePrefix,
    lessonsTable,
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      dynamo.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
