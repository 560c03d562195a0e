/**
 * Master (multivariant) playlists (RFC 8216 4.3.4), one reader for both uses:
 * - readMaster: the entries as written (relative URIs, the original tag lines), for the
 *   publisher that rewrites MediaConvert's master (pipeline/aws/completion-rewrite.ts);
 *   `strict` refuses a URI line that does not directly follow its EXT-X-STREAM-INF.
 * - parseMaster: the player's view, absolute URLs, variants, subtitle renditions, session data.
 * Browser-safe.
 */
import { PlaylistError, parseResolution, playlistLines, tagAttributes } from './attributes.ts';

export interface VariantEntry {
  /** The EXT-X-STREAM-INF line as written. */
  readonly line: string;
  readonly attributes: ReadonlyMap<string, string>;
  /** As written: relative to the master. */
  readonly uri: string;
  readonly bandwidth: number;
  readonly width?: number;
  readonly height?: number;
}

export interface MasterEntries {
  /** In playlist order. */
  readonly variants: readonly VariantEntry[];
  /** Every other tag line after #EXTM3U, in order, as written. */
  readonly tags: readonly string[];
  /** EXT-X-SESSION-DATA VALUEs by DATA-ID (see SESSION_DATA_IDS). */
  readonly sessionData: ReadonlyMap<string, string>;
  /** The playlist has segments (EXTINF): a media playlist, not a master. */
  readonly hasSegments: boolean;
}

export function readMaster(text: string, options: { strict?: boolean } = {}): MasterEntries {
  const lines = playlistLines(text);
  const variants: VariantEntry[] = [];
  const tags: string[] = [];
  const sessionData = new Map<string, string>();
  let hasSegments = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const inf = tagAttributes(line, '#EXT-X-STREAM-INF');
    if (inf) {
      let uri: string | undefined;
      while (++i < lines.length) {
        const next = lines[i] ?? '';
        if (!next.startsWith('#')) {
          uri = next;
          break;
        }
        if (options.strict) break;
      }
      if (uri === undefined) throw new PlaylistError('EXT-X-STREAM-INF without a URI line');
      const resolution = parseResolution(inf.get('RESOLUTION'));
      variants.push({ line, attributes: inf, uri, bandwidth: Number(inf.get('BANDWIDTH')) || 0, ...(resolution ?? {}) });
      continue;
    }
    if (!line.startsWith('#')) {
      if (options.strict) throw new PlaylistError(`URI line without EXT-X-STREAM-INF: ${line}`);
      continue;
    }
    if (line.startsWith('#EXTINF:')) hasSegments = true;
    const data = tagAttributes(line, '#EXT-X-SESSION-DATA');
    const id = data?.get('DATA-ID');
    const value = data?.get('VALUE');
    if (id && value !== undefined) sessionData.set(id, value);
    tags.push(line);
  }
  return { variants, tags, sessionData, hasSegments };
}

export interface Variant {
  /** Absolute URL of the media playlist. */
  readonly url: string;
  /** Peak bit rate, bit/s. */
  readonly bandwidth: number;
  readonly averageBandwidth?: number;
  readonly width?: number;
  readonly height?: number;
  readonly codecs?: string;
  readonly subtitles?: string;
  /** The AUDIO group id: the variant's sound is a separate rendition (MediaConvert CMAF). */
  readonly audio?: string;
}

/** EXT-X-MEDIA TYPE=AUDIO with a URI: sound in its own playlist. */
export interface AudioRendition {
  readonly url: string;
  readonly groupId: string;
  readonly isDefault: boolean;
}

export interface SubtitleRendition {
  readonly url: string;
  readonly groupId: string;
  readonly name: string;
  readonly language?: string;
  readonly isDefault: boolean;
}

export interface MasterPlaylist {
  /** In playlist order: the first one is the author's start variant. */
  readonly variants: readonly Variant[];
  readonly subtitles: readonly SubtitleRendition[];
  readonly audio: readonly AudioRendition[];
  /** EXT-X-SESSION-DATA VALUEs by DATA-ID (see SESSION_DATA_IDS). */
  readonly sessionData: ReadonlyMap<string, string>;
}

/** The player's view of a master: absolute URLs. A media playlist given instead is its own single variant. */
export function parseMaster(text: string, baseUrl: string): MasterPlaylist {
  const entries = readMaster(text);
  const subtitles: SubtitleRendition[] = [];
  const audio: AudioRendition[] = [];
  for (const line of entries.tags) {
    const attrs = tagAttributes(line, '#EXT-X-MEDIA');
    const uri = attrs?.get('URI');
    if (attrs && uri && attrs.get('TYPE') === 'AUDIO') {
      audio.push({ url: new URL(uri, baseUrl).href, groupId: attrs.get('GROUP-ID') ?? '', isDefault: attrs.get('DEFAULT') === 'YES' });
      continue;
    }
    if (!attrs || attrs.get('TYPE') !== 'SUBTITLES' || !uri) continue;
    subtitles.push({
      url: new URL(uri, baseUrl).href,
      groupId: attrs.get('GROUP-ID') ?? '',
      name: attrs.get('NAME') ?? attrs.get('LANGUAGE') ?? 'Captions',
      ...(attrs.has('LANGUAGE') ? { language: attrs.get('LANGUAGE') as string } : {}),
      isDefault: attrs.get('DEFAULT') === 'YES',
    });
  }
  const { sessionData } = entries;
  if (entries.variants.length === 0) {
    // A media playlist used as the source: one variant, itself.
    if (entries.hasSegments) return { variants: [{ url: baseUrl, bandwidth: 0 }], subtitles, audio, sessionData };
    throw new PlaylistError('master playlist lists no variants');
  }
  const variants = entries.variants.map((v): Variant => {
    const attrs = v.attributes;
    const average = Number(attrs.get('AVERAGE-BANDWIDTH'));
    return {
      url: new URL(v.uri, baseUrl).href,
      bandwidth: v.bandwidth,
      ...(average > 0 ? { averageBandwidth: average } : {}),
      ...(v.width !== undefined && v.height !== undefined ? { width: v.width, height: v.height } : {}),
      ...(attrs.has('CODECS') ? { codecs: attrs.get('CODECS') as string } : {}),
      ...(attrs.has('SUBTITLES') ? { subtitles: attrs.get('SUBTITLES') as string } : {}),
      ...(attrs.has('AUDIO') ? { audio: attrs.get('AUDIO') as string } : {}),
    };
  });
  return { variants, subtitles, audio, sessionData };
}

/** The audio rendition a variant plays with: its group's DEFAULT=YES one, else the group's first; none when the sound is muxed. */
export function audioFor(master: Pick<MasterPlaylist, 'audio'>, variant: Pick<Variant, 'audio'>): AudioRendition | undefined {
  if (variant.audio === undefined) return undefined;
  const group = master.audio.filter((a) => a.groupId === variant.audio);
  return group.find((a) => a.isDefault) ?? group[0];
}
