/** The content headers and user metadata an upload stores, taken from its request headers. */
import { describe, expect, it } from 'vitest';
import { contentHeadersOf } from './object-metadata.ts';

describe('user metadata from x-amz-meta-* headers', () => {
  it('keeps names like __proto__ and constructor as metadata, as S3 would', () => {
    const { metadata } = contentHeadersOf({ 'x-amz-meta-__proto__': 'a', 'x-amz-meta-constructor': 'b', 'x-amz-meta-course': 'demo' });
    expect(Object.entries(metadata ?? {})).toEqual([['__proto__', 'a'], ['constructor', 'b'], ['course', 'demo']]);
    expect(JSON.parse(JSON.stringify(metadata))).toEqual(JSON.parse('{"__proto__":"a","constructor":"b","course":"demo"}'));
  });
});
