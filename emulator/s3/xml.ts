/** The little XML S3 speaks here: escaped text, elements, and the CompleteMultipartUpload body. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g, (_m, name: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[name] as string;
  });
}

/** `<name>text</name>`, or nothing when the value is undefined. */
export function element(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

export interface CompletedPart {
  readonly partNumber: number;
  readonly etag: string;
}

/**
 * `<CompleteMultipartUpload><Part><ETag>"…"</ETag><PartNumber>1</PartNumber></Part>…`; the
 * ETag is returned without its quotes. Undefined for anything else (S3: MalformedXML).
 */
export function parseCompleteMultipartUpload(body: string): CompletedPart[] | undefined {
  const root = /<CompleteMultipartUpload(?:\s[^>]*)?>([\s\S]*)<\/CompleteMultipartUpload>/.exec(body);
  if (!root) return undefined;
  const parts: CompletedPart[] = [];
  for (const m of (root[1] as string).matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
    const inner = m[1] as string;
    const number = /<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(inner)?.[1];
    const etag = /<ETag>([\s\S]*?)<\/ETag>/.exec(inner)?.[1];
    if (number === undefined || etag === undefined) return undefined;
    parts.push({ partNumber: Number(number), etag: unescapeXml(etag).trim().replace(/^"|"$/g, '') });
  }
  return parts.length > 0 ? parts : undefined;
}
