/**
 * S3 event `sequencer` values: hexadecimal strings that order the events of a key (the event
 * message structure page: left-pad the shorter with zeros, then compare as strings; the upload
 * trigger relies on a later upload having the greater one). Derived from the clock, never
 * repeating or going back within a stand-in.
 */
export function createSequencer(now: () => number = Date.now): () => string {
  let last = 0n;
  return () => {
    let next = BigInt(now()) * 1_000_000n;
    if (next <= last) next = last + 1n;
    last = next;
    return next.toString(16).toUpperCase().padStart(18, '0');
  };
}
