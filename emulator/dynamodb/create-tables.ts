import { CreateTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DeployedTable } from '../deployed-stack.ts';

/**
 * Creates the program's tables (key schema, attributes, indexes as declared) in the local
 * DynamoDB; a table that already exists is kept with its data, as a second `pulumi up` would.
 */
export async function createTablesOf(client: DynamoDBClient, tables: readonly DeployedTable[]): Promise<void> {
  for (const table of tables) {
    const keySchema = (hash: string, range?: string) => [
      { AttributeName: hash, KeyType: 'HASH' as const },
      ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : []),
    ];
    try {
      await client.send(new CreateTableCommand({
        TableName: table.name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: table.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
        KeySchema: keySchema(table.hashKey, table.rangeKey),
        ...(table.globalSecondaryIndexes.length > 0
          ? {
              GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((g) => ({
                IndexName: g.name,
                KeySchema: keySchema(g.hashKey, g.rangeKey),
                Projection: { ProjectionType: g.projectionType as 'ALL' | 'KEYS_ONLY' | 'INCLUDE' },
              })),
            }
          : {}),
      }));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
}
