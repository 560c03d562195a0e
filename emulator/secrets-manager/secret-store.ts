/**
 * The secrets a stand-in holds, found the ways GetSecretValue's `SecretId` may name one: the
 * full ARN, the name, or the partial ARN (the ARN without the six random characters Secrets
 * Manager appends). Each secret has one version, labelled AWSCURRENT, whose id is derived from
 * the ARN and value (stable across restarts, new when the value changes).
 */
import { createHash } from 'node:crypto';

export interface SecretSpec {
  readonly arn: string;
  readonly name: string;
  readonly secretString: string;
}

export interface StoredSecret extends SecretSpec {
  readonly versionId: string;
  readonly versionStages: readonly string[];
  /** When the version was created: epoch seconds, as the JSON protocol sends timestamps. */
  readonly createdDate: number;
}

function versionIdOf(secret: SecretSpec): string {
  const hex = createHash('sha256').update(`${secret.arn}\n${secret.secretString}`).digest('hex');
  // UUID layout, version 4 nibble and variant bits set, as Secrets Manager's ids look.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16] as string, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `arn:aws:secretsmanager:us-east-1:111122223333:secret:name-AbCdEf` without `-AbCdEf`. */
function partialArn(arn: string): string | undefined {
  const m = /^(arn:aws[a-z-]*:secretsmanager:[^:]*:\d{12}:secret:.+)-[A-Za-z0-9]{6}$/.exec(arn);
  return m?.[1];
}

export class SecretStore {
  private readonly secrets: StoredSecret[];

  constructor(specs: readonly SecretSpec[], createdDate: Date = new Date()) {
    this.secrets = specs.map((s) => {
      if (!/^arn:aws[a-z-]*:secretsmanager:[^:]*:\d{12}:secret:.+$/.test(s.arn)) throw new Error(`secret ${s.name}: ${s.arn} is not a Secrets Manager secret ARN`);
      if (typeof s.secretString !== 'string') throw new Error(`secret ${s.arn}: secretString must be a string`);
      return { ...s, versionId: versionIdOf(s), versionStages: ['AWSCURRENT'], createdDate: createdDate.getTime() / 1000 };
    });
  }

  find(secretId: string): StoredSecret | undefined {
    return (
      this.secrets.find((s) => s.arn === secretId) ??
      this.secrets.find((s) => s.name === secretId) ??
      this.secrets.find((s) => partialArn(s.arn) === secretId)
    );
  }
}
