/**
 * Stands in for hls.js's MPEG-TS, AAC, MP3 and AC-3 demuxers (player/hls-features.ts): both
 * publishers write fMP4 only, which hls.js passes through without demuxing. A probe that never
 * matches keeps hls.js's own "no demux matching" error for anything else.
 */
export default class NoDemuxer {
  static probe(): boolean {
    return false;
  }
}

export { NoDemuxer as AC3Demuxer };
