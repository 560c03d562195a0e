import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

export interface DynamoSettings {
  readonly region: string;
  /** Set locally (dynalite); absent on AWS. */
  readonly endpoint?: string;
  /** Per-attempt budget, milliseconds. */
  readonly requestTimeoutMs?: number;
  readonly maxAttempts?: number;
}

/**
 * One way to make a DynamoDB client for every part of lectern, so the same code talks to
 * dynalite locally and to DynamoDB on AWS. Locally the credentials are dummies: dynalite
 * accepts any signature.
 */
export function dynamoClient(settings: DynamoSettings): DynamoDBClient {
  const config: DynamoDBClientConfig = {
    region: settings.region,
    maxAttempts: settings.maxAttempts ?? 3,
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs ?? 3000,
      connectionTimeout: settings.requestTimeoutMs ?? 3000,
    },
  };
  if (settings.endpoint) {
    config.endpoint = settings.endpoint;
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  return new DynamoDBClient(config);
}
