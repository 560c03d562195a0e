/**
 * CloudFront policy documents, for the emulator's key-group check (signed-request.ts): the
 * canned policy rebuilt from a URL and `Expires`, and a custom policy parsed as AWS documents
 * it (one statement, `Resource` with `*` and `?` wildcards, a required `DateLessThan`, optional
 * `DateGreaterThan` and `IpAddress` as a CIDR).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-custom-policy.html
 *
 * Pure apart from node:net; never throws, whatever the input.
 */
import { BlockList, isIP } from 'node:net';

/**
 * The canned policy exactly as AWS documents it once whitespace is removed:
 * {"Statement":[{"Resource":"<url>","Condition":{"DateLessThan":{"AWS:EpochTime":<expires>}}}]}
 */
export function cannedPolicy(resourceUrl: string, expiresEpochSeconds: number): string {
  return JSON.stringify({
    Statement: [{ Resource: resourceUrl, Condition: { DateLessThan: { 'AWS:EpochTime': expiresEpochSeconds } } }],
  });
}

export interface ParsedStatement {
  /** Undefined when the policy has no Resource, which AWS documents as "every object". */
  readonly resource: string | undefined;
  readonly dateLessThan: number;
  readonly dateGreaterThan: number | undefined;
  readonly sourceIp: Cidr | undefined;
}

export function parseCustomPolicy(bytes: Buffer): { ok: true; statement: ParsedStatement } | { ok: false; detail: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, detail: 'the policy is not UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, detail: 'the policy is not JSON' };
  }
  if (!isPlainObject(json) || !onlyKeys(json, ['Statement'])) return { ok: false, detail: 'the policy must be an object with only "Statement"' };
  const statements = json['Statement'];
  if (!Array.isArray(statements) || statements.length !== 1) return { ok: false, detail: 'the policy must hold exactly one statement' };
  const statement: unknown = statements[0];
  if (!isPlainObject(statement) || !onlyKeys(statement, ['Resource', 'Condition'])) {
    return { ok: false, detail: 'a statement may hold only "Resource" and "Condition"' };
  }

  let resource: string | undefined;
  if (Object.hasOwn(statement, 'Resource')) {
    const value = statement['Resource'];
    if (typeof value !== 'string' || !(value.startsWith('http://') || value.startsWith('https://') || value.startsWith('*'))) {
      return { ok: false, detail: 'Resource must be a string starting with http://, https:// or *' };
    }
    resource = value;
  }

  const condition = statement['Condition'];
  if (!isPlainObject(condition) || !onlyKeys(condition, ['DateLessThan', 'DateGreaterThan', 'IpAddress'])) {
    return { ok: false, detail: 'Condition may hold only DateLessThan, DateGreaterThan and IpAddress' };
  }
  const dateLessThan = epochTime(condition['DateLessThan']);
  if (dateLessThan === undefined) return { ok: false, detail: 'DateLessThan {"AWS:EpochTime": <integer>} is required' };
  let dateGreaterThan: number | undefined;
  if (Object.hasOwn(condition, 'DateGreaterThan')) {
    dateGreaterThan = epochTime(condition['DateGreaterThan']);
    if (dateGreaterThan === undefined) return { ok: false, detail: 'DateGreaterThan must be {"AWS:EpochTime": <integer>}' };
  }
  let sourceIp: Cidr | undefined;
  if (Object.hasOwn(condition, 'IpAddress')) {
    const ip = condition['IpAddress'];
    const text = isPlainObject(ip) && onlyKeys(ip, ['AWS:SourceIp']) ? ip['AWS:SourceIp'] : undefined;
    sourceIp = typeof text === 'string' ? parseCidr(text) : undefined;
    if (!sourceIp) return { ok: false, detail: 'IpAddress must be {"AWS:SourceIp": "<IPv4 or IPv6 CIDR>"}' };
  }
  return { ok: true, statement: { resource, dateLessThan, dateGreaterThan, sourceIp } };
}

function epochTime(value: unknown): number | undefined {
  if (!isPlainObject(value) || !onlyKeys(value, ['AWS:EpochTime'])) return undefined;
  const time = value['AWS:EpochTime'];
  // "Do not enclose the value in quotation marks": a number, a whole second, not negative.
  return typeof time === 'number' && Number.isSafeInteger(time) && time >= 0 ? time : undefined;
}

export interface Cidr {
  readonly text: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly list: BlockList;
}

/** `a.b.c.d/n` (n 0-32) or an IPv6 address with `/n` (n 0-128); the prefix is required. */
export function parseCidr(text: string): Cidr | undefined {
  const parts = text.split('/');
  if (parts.length !== 2) return undefined;
  const [address, prefixText] = parts as [string, string];
  const version = isIP(address);
  if (version === 0 || !/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  if (version === 6 && address.includes('%')) return undefined;
  const prefix = Number(prefixText);
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefix > (version === 4 ? 32 : 128)) return undefined;
  try {
    const list = new BlockList();
    list.addSubnet(address, prefix, family);
    return { text, family, list };
  } catch {
    return undefined;
  }
}

export function ipInCidr(viewerIp: string, cidr: Cidr): boolean {
  if (typeof viewerIp !== 'string') return false;
  // Node reports IPv4 viewers on a dual-stack socket as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(viewerIp);
  const address = mapped ? (mapped[1] as string) : viewerIp;
  const version = isIP(address);
  if (version === 0) return false;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (family !== cidr.family) return false;
  try {
    return cidr.list.check(address, family);
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(value).every((key) => allowed.includes(key));
}
