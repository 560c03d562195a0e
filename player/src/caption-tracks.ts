/**
 * Caption tracks (EXT-X-MEDIA TYPE=SUBTITLES): our hls.js build has no subtitle support, so the
 * player reads the segmented WebVTT itself (vtt.ts), once per rendition, and hands the cues
 * to a TextTrack the browser renders (the `::cue` styles in captions-ui-styles.ts). The
 * transcript reads the same cues.
 */
import { parseMedia, type SubtitleRendition } from './m3u8.ts';
import { text } from './prefetch.ts';
import type { Fetched } from './transport.ts';
import { mergeCues } from './transcript-cues.ts';
import { parseVtt, type Cue } from './vtt.ts';

export type MediaGet = (url: string) => Promise<Fetched>;

/** Cue lines counted from the bottom (snap-to-lines): above the seek bar rather than under it. */
const CUE_LINE = -4;
/** With the transcript open (the right 38 % or less): cues in the left 58 %, centred there (percent). */
const BESIDE_PANEL = { size: 56, position: 29 };

export class CaptionTracks {
  readonly #entries = new Map<string, { track: TextTrack | null; cues: Promise<Cue[]> }>();
  readonly #video: HTMLVideoElement;
  readonly #get: MediaGet;
  #besidePanel = false;

  constructor(video: HTMLVideoElement, get: MediaGet) {
    this.#video = video;
    this.#get = get;
  }

  #entry(rendition: SubtitleRendition) {
    let entry = this.#entries.get(rendition.url);
    if (!entry) {
      const cues = this.#load(rendition.url);
      entry = { track: null, cues };
      this.#entries.set(rendition.url, entry);
      // A failed load is forgotten, so asking again retries.
      cues.catch(() => this.#entries.get(rendition.url) === entry && this.#entries.delete(rendition.url));
    }
    return entry;
  }

  async #load(url: string): Promise<Cue[]> {
    const playlist = await this.#get(url);
    if (!playlist.ok) throw new Error(`captions ${playlist.status}`);
    const body = text(playlist);
    const files = body.startsWith('WEBVTT') ? [playlist] : await Promise.all(parseMedia(body, playlist.url).segments.map((s) => this.#get(s.url)));
    return mergeCues(files.filter((f) => f.ok).map((f) => parseVtt(text(f))));
  }

  /** The rendition's cues (loaded once). */
  cues(rendition: SubtitleRendition): Promise<Cue[]> {
    return this.#entry(rendition).cues;
  }

  /** Shows one rendition (null: none). Resolves once its cues are on the track. */
  async show(rendition: SubtitleRendition | null): Promise<void> {
    for (const entry of this.#entries.values()) if (entry.track) entry.track.mode = 'disabled';
    if (!rendition) return;
    const entry = this.#entry(rendition);
    const cues = await entry.cues;
    // Forgotten meanwhile (another lesson): its cues must not show on this one.
    if (this.#entries.get(rendition.url) !== entry) return;
    if (!entry.track) {
      const track = this.#video.addTextTrack('captions', rendition.name, rendition.language ?? '');
      for (const cue of cues) {
        const vtt = new VTTCue(cue.start, cue.end, cue.text);
        vtt.line = CUE_LINE;
        this.#place(vtt);
        track.addCue(vtt);
      }
      entry.track = track;
    }
    entry.track.mode = 'showing';
  }

  /** Cues move out from under the transcript panel while it is open, and back. */
  besidePanel(on: boolean): void {
    this.#besidePanel = on;
    for (const { track } of this.#entries.values()) for (const cue of track?.cues ?? []) this.#place(cue as VTTCue);
  }

  #place(cue: VTTCue): void {
    cue.size = this.#besidePanel ? BESIDE_PANEL.size : 100;
    cue.position = this.#besidePanel ? BESIDE_PANEL.position : 'auto';
  }

  /** A lesson switch: the tracks are turned off and forgotten. */
  destroy(): void {
    for (const entry of this.#entries.values()) if (entry.track) entry.track.mode = 'disabled';
    this.#entries.clear();
  }
}
