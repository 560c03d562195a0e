/**
 * hls.js, compiled from its own sources (shipped in the npm package) with only the features
 * lectern's two publishers need. Neither of hls.js's prebuilt flavours fits:
 * - `light` (116 KB gzip) leaves out alternate audio, and MediaConvert's CMAF output keeps
 *   audio in its own rendition group (EXT-X-MEDIA TYPE=AUDIO): a deployed lesson played in
 *   the light build is silent (tests/e2e-browser/stack-as-deployed.test.ts hears it);
 * - `full` (182 KB gzip) carries subtitles, EME, CMCD, interstitials… that lectern does not
 *   use (captions are our own WebVTT reader): 66 KB more on the first frame's critical path,
 *   about 330 ms at 1.6 Mbit/s.
 * The flags are hls.js's own build switches (src/define-plugin.d.ts, build-config.js).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/** The entry both the watch page (via the `lectern-hls` alias) and the embed's classic script build. */
export const HLS_SOURCE_ENTRY = fileURLToPath(new URL('../node_modules/hls.js/src/exports-default.ts', import.meta.url));

/** What is compiled in: true only where a publisher's output needs it. */
export const HLS_FEATURES = {
  /** MediaConvert CMAF: audio is an EXT-X-MEDIA rendition (the local ladder muxes it). */
  __USE_ALT_AUDIO__: true,
  /** Captions are read by the player's own WebVTT reader (captions-controller.ts). */
  __USE_SUBTITLES__: false,
  __USE_EME_DRM__: false,
  __USE_CMCD__: false,
  __USE_CONTENT_STEERING__: false,
  __USE_VARIABLE_SUBSTITUTION__: false,
  __USE_M2TS_ADVANCED_CODECS__: false,
  __USE_MEDIA_CAPABILITIES__: false,
  __USE_INTERSTITIALS__: false,
  __USE_IFRAMES__: false,
} as const;

/** Vite `define` for the hls.js sources. */
export function hlsDefines(version: string): Record<string, string> {
  return {
    __VERSION__: JSON.stringify(version),
    ...Object.fromEntries(Object.entries(HLS_FEATURES).map(([name, on]) => [name, JSON.stringify(on)])),
  };
}

const HLS_SRC = dirname(HLS_SOURCE_ENTRY);

/**
 * Modules of features switched off, replaced by hls.js's own shim (src/empty-es.js) as its
 * build does for the light flavour: the flags keep them from running, this keeps them (and
 * what they import, such as @svta/cml-cmcd) out of the bundle.
 */
const LEFT_OUT = new Set([
  'controller/cmcd-controller',
  'controller/eme-controller',
  'utils/mediakeys-helper',
  'utils/cues',
  'controller/timeline-controller',
  'controller/subtitle-track-controller',
  'controller/subtitle-stream-controller',
  'utils/variable-substitution',
]);

/**
 * Demuxers for containers lectern never publishes (MPEG-TS, raw AAC/MP3/AC-3), with their
 * parsers: the transmuxer probes them in turn, so each is a class whose probe never matches.
 */
const NOT_DEMUXED = new Set(['demux/tsdemuxer', 'demux/audio/aacdemuxer', 'demux/audio/mp3demuxer', 'demux/audio/ac3-demuxer', 'remux/mp4-remuxer']);
const NO_DEMUXER = fileURLToPath(new URL('./hls-shims/no-demuxer.ts', import.meta.url));

/** Resolves hls.js's imports of the modules in LEFT_OUT and NOT_DEMUXED to their shims. */
export function hlsFeatureShims(): Plugin {
  return {
    name: 'lectern-hls-features',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('.') || relative(HLS_SRC, importer).startsWith('..')) return null;
      const target = relative(HLS_SRC, resolve(dirname(importer), source)).replace(/\.(ts|js)$/, '');
      if (NOT_DEMUXED.has(target) && relative(HLS_SRC, importer) === join('demux', 'transmuxer.ts')) return NO_DEMUXER;
      return LEFT_OUT.has(target) ? join(HLS_SRC, 'empty-es.js') : null;
    },
  };
}

/** The installed hls.js's version (its sources read it as __VERSION__). */
export function hlsVersion(): string {
  const pkg = fileURLToPath(new URL('../node_modules/hls.js/package.json', import.meta.url));
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}
