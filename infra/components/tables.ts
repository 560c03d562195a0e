import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { TABLES, tableName, type TableDefinition } from '../../tables/schema.ts';

export interface TablesArgs {
  /** Physical-name prefix, e.g. `lectern-prod-`. */
  readonly prefix: string;
  readonly deletionProtection: boolean;
}

type TableName = keyof typeof TABLES;

/**
 * The three DynamoDB tables, from the same definitions (tables/schema.ts) the local start-up
 * creates in dynalite: on-demand capacity, point-in-time recovery, encrypted at rest (DynamoDB
 * always is), deletion protection unless the stack turns it off.
 */
export class Tables extends pulumi.ComponentResource {
  readonly tables: Record<TableName, aws.dynamodb.Table>;

  constructor(name: string, args: TablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lectern:data:Tables', name, {}, opts);
    const make = (definition: TableDefinition): aws.dynamodb.Table =>
      new aws.dynamodb.Table(`${name}-${definition.name}`, {
        name: tableName(args.prefix, definition),
        billingMode: 'PAY_PER_REQUEST',
        hashKey: definition.partitionKey,
        rangeKey: definition.sortKey,
        attributes: [
          { name: definition.partitionKey, type: 'S' },
          { name: definition.sortKey, type: 'S' },
        ],
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: args.deletionProtection,
        tags: { 'lectern:table': definition.name },
      }, { parent: this });
    this.tables = {
      enrollments: make(TABLES.enrollments),
      lessons: make(TABLES.lessons),
      progress: make(TABLES.progress),
    };
    this.registerOutputs({
      enrollments: this.tables.enrollments.name,
      lessons: this.tables.lessons.name,
      progress: this.tables.progress.name,
    });
  }
}
