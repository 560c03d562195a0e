/**
 * One CMAF group's encoded tracks -> the files MediaConvert writes for it: per output an init
 * segment, numbered segments and a media playlist; trick-play tiles and their image playlist;
 * WebVTT caption outputs (package-captions.ts); then the group's multivariant playlist and/or MPD. Files are staged under `stageDir`
 * (`<bucket>/<key>`) and listed, manifests apart so the upload can write them last.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CaptionTrack } from '../../pipeline/captions/cues.ts';
import { firstDecodeSeconds, mpegTsFor } from '../../pipeline/captions/timestamp-map.ts';
import { averageBitrate, codecsFromInitSegment, peakBitrate } from '../../pipeline/master-playlist.ts';
import { dashManifest, type DashRepresentation } from './dash-manifest.ts';
import type { AudioTrack, CmafPlan, VideoTrack } from './encode-plan.ts';
import { imagePlaylist, mediaPlaylist, multivariantPlaylist, targetDuration, type AudioRendition, type ImageStream, type SubtitleRendition, type VideoVariant } from './hls-playlists.ts';
import { captionFiles, CAPTIONS_GROUP_ID } from './package-captions.ts';
import { groupSegments, splitFragmentedMp4 } from './mp4-fragments.ts';
import { cmafManifest, inFolder, initName, playlistName, segmentName, trickPlayImageName, trickPlayPlaylistName, type TrackKind } from './output-names.ts';
import { s3Url, type S3Location } from './s3-paths.ts';

export interface StagedFile {
  readonly location: S3Location;
  readonly staged: string;
}

export interface OutputDetail {
  readonly durationInMs: number;
  readonly videoDetails?: { readonly widthInPx: number; readonly heightInPx: number };
}

export interface PackagedGroup {
  readonly media: readonly StagedFile[];
  readonly manifests: readonly StagedFile[];
  readonly playlistFilePaths: readonly string[];
  readonly outputDetails: readonly OutputDetail[];
}

interface PackagedTrack {
  readonly stem: string;
  readonly playlist: string;
  readonly codec: string;
  readonly peak: number;
  readonly average: number;
  readonly durationSeconds: number;
  readonly segmentSeconds: readonly number[];
  /** 90 kHz time of the first fragment (the captions' X-TIMESTAMP-MAP). */
  readonly mpegTs: number;
}

/** RFC 6381 `avc1.PPCCLL`, or the RFC 4281 form `avc1.<profile>.<level>` in decimal (the form Apple's older HLS docs use; AWS does not show MediaConvert's). */
function videoCodec(rfc6381: string, spec: CmafPlan['codecSpecification']): string {
  if (spec === 'RFC_6381') return rfc6381;
  const m = /^(avc[13])\.([0-9a-f]{2})[0-9a-f]{2}([0-9a-f]{2})$/i.exec(rfc6381);
  return m ? `${m[1]}.${parseInt(m[2]!, 16)}.${parseInt(m[3]!, 16)}` : rfc6381;
}

export async function packageCmafGroup(
  plan: CmafPlan,
  workDir: string,
  stageDir: string,
  durationSeconds: number,
  fps: number,
  captionSources: ReadonlyMap<string, CaptionTrack> = new Map(),
): Promise<PackagedGroup> {
  const media: StagedFile[] = [];
  const manifests: StagedFile[] = [];
  const d = plan.destination;
  const stage = async (name: string, content: Buffer | string, list: StagedFile[]) => {
    const location = inFolder(d, name);
    const staged = join(stageDir, location.bucket, ...location.key.split('/'));
    await mkdir(dirname(staged), { recursive: true });
    await writeFile(staged, content);
    list.push({ location, staged });
  };

  async function track(id: string, stem: string, kind: TrackKind): Promise<PackagedTrack> {
    const buf = await readFile(join(workDir, `${id}.mp4`));
    const split = splitFragmentedMp4(buf);
    const segments = groupSegments(buf, split, plan.segmentSeconds, plan.minFinalSeconds);
    await stage(initName(stem, kind), split.init, media);
    const entries: { uri: string; duration: number }[] = [];
    for (const [i, s] of segments.entries()) {
      const uri = segmentName(stem, kind, i + 1);
      await stage(uri, s.bytes, media);
      entries.push({ uri, duration: s.duration });
    }
    const playlist = playlistName(stem);
    if (plan.hls) await stage(playlist, mediaPlaylist(initName(stem, kind), entries, plan.format), manifests);
    const codecs = codecsFromInitSegment(split.init);
    const sized = segments.map((s) => ({ duration: s.duration, bytes: s.bytes.length }));
    const target = targetDuration(sized.map((s) => s.duration), plan.format.targetDuration);
    return {
      stem,
      playlist,
      codec: kind === 'video' ? videoCodec(codecs.video ?? 'avc1', plan.codecSpecification) : (codecs.audio ?? 'mp4a.40.2'),
      peak: peakBitrate(sized, target),
      average: averageBitrate(sized),
      durationSeconds: sized.reduce((sum, s) => sum + s.duration, 0),
      segmentSeconds: sized.map((s) => s.duration),
      mpegTs: mpegTsFor((segments[0] && firstDecodeSeconds(split.init, segments[0].bytes)) ?? 0),
    };
  }

  const videos: { v: VideoTrack; t: PackagedTrack }[] = [];
  for (const v of plan.videos) videos.push({ v, t: await track(v.id, v.stem, 'video') });
  const audios: { a: AudioTrack; t: PackagedTrack }[] = [];
  for (const a of plan.audios) audios.push({ a, t: await track(a.id, a.stem, 'audio') });

  const images: ImageStream[] = [];
  const tp = plan.trickPlay;
  if (tp && videos[0]) {
    const files = (await readdir(workDir)).filter((f) => f.startsWith(`${tp.id}_`) && f.endsWith('.jpg')).sort();
    const perTile = tp.columns * tp.rows * tp.intervalSeconds;
    const stem = videos[0].v.stem;
    const tiles: { uri: string; duration: number; bytes: number }[] = [];
    for (const [i, f] of files.entries()) {
      const uri = trickPlayImageName(stem, i + 1);
      const bytes = await readFile(join(workDir, f));
      await stage(uri, bytes, media);
      tiles.push({ uri, duration: Math.max(0.001, Math.min(perTile, durationSeconds - i * perTile)), bytes: bytes.length });
    }
    if (plan.hls && tiles.length) {
      const uri = trickPlayPlaylistName(stem);
      await stage(uri, imagePlaylist(tiles, { width: tp.width, height: tp.height, columns: tp.columns, rows: tp.rows, interval: tp.intervalSeconds }, plan.format), manifests);
      images.push({ uri, bandwidth: Math.ceil(Math.max(...tiles.map((t) => (t.bytes * 8) / t.duration))), width: tp.width, height: tp.height });
    }
  }

  const subtitles: SubtitleRendition[] = [];
  const captionDetails: OutputDetail[] = [];
  const base = videos[0]?.t;
  for (const c of plan.captions) {
    if (!base) break; // validation keeps a video output in every CMAF group
    const files = captionFiles(c, captionSources.get(c.sourceFile)!, base, plan.format);
    for (const f of files.segments) await stage(f.name, f.text, media);
    if (plan.hls) await stage(files.playlist.name, files.playlist.text, manifests);
    subtitles.push(files.rendition);
    captionDetails.push({ durationInMs: Math.round(base.durationSeconds * 1000) });
  }

  const groupAudio = (groupId: string | undefined) => audios.filter(({ a }) => a.groupId === groupId);
  const playlistFilePaths: string[] = [];
  if (plan.dash) {
    const reps: DashRepresentation[] = [
      ...videos.map(({ v, t }) => ({ kind: 'video' as const, id: t.stem, bandwidth: t.peak, codecs: t.codec, width: v.width, height: v.height, frameRate: fps, initialization: initName(t.stem, 'video'), media: `${t.stem}_$Number%09d$.cmfv`, segmentSeconds: t.segmentSeconds })),
      ...audios.map(({ a, t }) => ({ kind: 'audio' as const, id: t.stem, bandwidth: t.peak, codecs: t.codec, sampleRate: a.sampleRate, initialization: initName(t.stem, 'audio'), media: `${t.stem}_$Number%09d$.cmfa`, segmentSeconds: t.segmentSeconds })),
    ];
    const location = cmafManifest(d, 'dash');
    await stage(location.key.slice(d.folder.length), dashManifest(reps, { durationSeconds, minBufferSeconds: plan.minBufferSeconds }), manifests);
    playlistFilePaths.push(s3Url(location));
  }
  if (plan.hls) {
    const yes = (type: string) => ({
      isDefault: type === 'ALTERNATE_AUDIO_AUTO_SELECT_DEFAULT',
      autoselect: type !== 'ALTERNATE_AUDIO_NOT_AUTO_SELECT',
    });
    const renditions: AudioRendition[] = audios.map(({ a, t }) => ({ groupId: a.groupId, name: a.name, language: a.language, channels: a.channels, uri: t.playlist, ...yes(a.trackType) }));
    const variants: VideoVariant[] = videos.map(({ v, t }) => {
      const group = v.audioGroup;
      const linked = groupAudio(group);
      const audioPeak = Math.max(0, ...linked.map(({ t: at }) => at.peak));
      const audioAverage = Math.max(0, ...linked.map(({ t: at }) => at.average));
      return {
        uri: t.playlist,
        bandwidth: t.peak + audioPeak,
        averageBandwidth: t.average + audioAverage,
        codecs: [t.codec, ...new Set(linked.map(({ t: at }) => at.codec))].join(','),
        width: v.width,
        height: v.height,
        frameRate: fps,
        audioGroup: linked.length ? group : undefined,
        subtitlesGroup: subtitles.length ? CAPTIONS_GROUP_ID : undefined,
      };
    });
    const location = cmafManifest(d, 'hls');
    await stage(location.key.slice(d.folder.length), multivariantPlaylist(renditions, variants, images, { includeResolution: plan.includeResolution }, subtitles), manifests);
    playlistFilePaths.push(s3Url(location));
  }

  const outputDetails: OutputDetail[] = [
    ...videos.map(({ v, t }) => ({ durationInMs: Math.round(t.durationSeconds * 1000), videoDetails: { widthInPx: v.width, heightInPx: v.height } })),
    ...audios.map(({ t }) => ({ durationInMs: Math.round(t.durationSeconds * 1000) })),
    ...captionDetails,
  ];
  return { media, manifests, playlistFilePaths, outputDetails };
}
