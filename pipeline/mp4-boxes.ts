/**
 * Walking ISO BMFF boxes (pure): the master playlist reads codecs from init segments with it,
 * the captions read the first fragment's decode time (their timestamp map).
 */

export interface Box {
  readonly type: string;
  readonly start: number; // payload start
  readonly end: number;
}

export function* boxes(buf: Uint8Array, start: number, end: number): Generator<Box> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = start;
  while (pos + 8 <= end) {
    let size = view.getUint32(pos);
    const type = String.fromCharCode(buf[pos + 4]!, buf[pos + 5]!, buf[pos + 6]!, buf[pos + 7]!);
    let header = 8;
    if (size === 1) {
      if (pos + 16 > end) return;
      size = Number(view.getBigUint64(pos + 8));
      header = 16;
    } else if (size === 0) {
      size = end - pos;
    }
    if (size < header || pos + size > end) return;
    yield { type, start: pos + header, end: pos + size };
    pos += size;
  }
}

export function find(buf: Uint8Array, start: number, end: number, path: readonly string[]): Box[] {
  const [head, ...rest] = path;
  const found: Box[] = [];
  for (const box of boxes(buf, start, end)) {
    if (box.type !== head) continue;
    if (rest.length === 0) found.push(box);
    else found.push(...find(buf, box.start, box.end, rest));
  }
  return found;
}
