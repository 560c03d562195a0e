import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface SigningKeyArgs {
  readonly namePrefix: string;
  /** `key-<12 hex>` of the active key (the secret's name carries it). */
  readonly keyName: string;
  /** The private key PEM, a Pulumi secret from stack config (lectern:signingPrivateKey). */
  readonly privateKeyPem: pulumi.Input<string>;
}

/**
 * The CloudFront signing key's private half, in Secrets Manager, where the cookie issuer reads
 * it at cold start (it has no environment variables). One secret per key: on rotation the new
 * key gets a new secret while Lambda@Edge versions still in flight keep reading the old one,
 * which Pulumi deletes only after the distribution has switched (recovery window 7 days).
 */
export class SigningKey extends pulumi.ComponentResource {
  readonly secret: aws.secretsmanager.Secret;
  readonly version: aws.secretsmanager.SecretVersion;

  constructor(name: string, args: SigningKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lectern:edge:SigningKey', name, {}, opts);
    this.secret = new aws.secretsmanager.Secret(`${name}-${args.keyName}`, {
      namePrefix: `${args.namePrefix}/cloudfront-signing-key/${args.keyName}-`,
      description: `lectern: private half of CloudFront public key ${args.keyName}; read by the cookie issuer (Lambda@Edge)`,
      recoveryWindowInDays: 7,
    }, { parent: this });
    this.version = new aws.secretsmanager.SecretVersion(`${name}-${args.keyName}`, {
      secretId: this.secret.id,
      secretString: pulumi.secret(args.privateKeyPem),
    }, { parent: this });
    this.registerOutputs({ secretArn: this.secret.arn });
  }
}
