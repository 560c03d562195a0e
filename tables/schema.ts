/**
 * The three tables, as data. The local start-up creates them in dynalite from this; the Pulumi
 * program (infra/) creates the DynamoDB tables from the same definitions.
 */
export interface TableDefinition {
  /** Logical name; the physical name is `${prefix}${name}`. */
  readonly name: 'enrollments' | 'lessons' | 'progress';
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly describe: string;
}

export const TABLES = {
  enrollments: {
    name: 'enrollments',
    partitionKey: 'userId',
    sortKey: 'courseId',
    describe: 'Who may watch which course. userId is the Cognito `sub`.',
  },
  lessons: {
    name: 'lessons',
    partitionKey: 'courseId',
    sortKey: 'lessonId',
    describe: 'Lesson catalogue: order, title, manifestKey, status, durationSeconds, renditions.',
  },
  progress: {
    name: 'progress',
    partitionKey: 'userId',
    sortKey: 'lessonKey',
    describe: 'Watch position per user and lesson (lessonKey is `<courseId>/<lessonId>`), and completion.',
  },
} as const satisfies Record<string, TableDefinition>;

/** Default physical-name prefix; stacks set their own (e.g. `lectern-prod-`). */
export const DEFAULT_TABLE_PREFIX = 'lectern-';

export function tableName(prefix: string, table: TableDefinition): string {
  return `${prefix}${table.name}`;
}
