/**
 * Sidecar captions in the stand-in: WebVTT caption outputs of a CMAF group are written under
 * MediaConvert's names with the group's playlist format, signalled in the multivariant
 * playlist as the settings say, and a caption file that is missing or unreadable fails the job
 * with MediaConvert's error code before anything is written.
 */
import { CreateJobCommand, type CreateJobCommandInput } from '@aws-sdk/client-mediaconvert';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebVtt } from '../../pipeline/captions/parse-webvtt.ts';
import { parseMediaPlaylist } from '../../pipeline/hls/index.ts';
import { CAPTION_CHARACTERISTICS } from './hls-playlists.ts';
import { MEDIA, ROLE, SOURCE_KEY, UPLOADS, startHarness, type Harness } from './test-fixtures.ts';

const EN = 'uploads/intro-to-hls/lesson-1/welcome.en.vtt';
const FR = 'uploads/intro-to-hls/lesson-1/welcome.fr.srt';

function job(destination: string, captions: { key: string; type: 'WEBVTT' | 'SRT'; language: string; name?: string; accessible?: boolean; style?: boolean }[]): CreateJobCommandInput {
  return {
    Role: ROLE,
    Settings: {
      Inputs: [
        {
          FileInput: `s3://${UPLOADS}/${SOURCE_KEY}`,
          AudioSelectors: { 'Audio Selector 1': { DefaultSelection: 'DEFAULT' } },
          CaptionSelectors: Object.fromEntries(
            captions.map((c, i) => [`Caption Selector ${i + 1}`, { SourceSettings: { SourceType: c.type, FileSourceSettings: { SourceFile: `s3://${UPLOADS}/${c.key}` } } }]),
          ),
        },
      ],
      OutputGroups: [
        {
          OutputGroupSettings: {
            Type: 'CMAF_GROUP_SETTINGS',
            CmafGroupSettings: { Destination: `s3://${MEDIA}/${destination}`, SegmentLength: 2, FragmentLength: 1, WriteDashManifest: 'DISABLED', ManifestDurationFormat: 'FLOATING_POINT' },
          },
          Outputs: [
            {
              NameModifier: '_360',
              ContainerSettings: { Container: 'CMFC' },
              VideoDescription: { Width: 640, Height: 360, CodecSettings: { Codec: 'H_264', H264Settings: { RateControlMode: 'QVBR', MaxBitrate: 800_000 } } },
            },
            ...captions.map((c, i) => ({
              NameModifier: `_${c.language}`,
              ContainerSettings: { Container: 'CMFC' as const },
              CaptionDescriptions: [
                {
                  CaptionSelectorName: `Caption Selector ${i + 1}`,
                  CustomLanguageCode: c.language,
                  ...(c.name !== undefined ? { LanguageDescription: c.name } : {}),
                  DestinationSettings: {
                    DestinationType: 'WEBVTT' as const,
                    WebvttDestinationSettings: { Accessibility: c.accessible ? ('ENABLED' as const) : ('DISABLED' as const), StylePassthrough: c.style ? ('ENABLED' as const) : ('DISABLED' as const) },
                  },
                },
              ],
            })),
          ],
        },
      ],
    },
  };
}

describe('WebVTT caption outputs in a CMAF group', () => {
  let h: Harness;
  const put = async (key: string, text: string) => {
    const path = join(h.buckets[UPLOADS]!, ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  };
  const read = (key: string) => readFile(join(h.buckets[MEDIA]!, ...key.split('/')), 'utf8');

  beforeAll(async () => {
    h = await startHarness({ sourceSeconds: 3 });
    await put(EN, 'WEBVTT\n\nSTYLE\n::cue { color: yellow }\n\n00:00.200 --> 00:01.500 line:80%\nHello\n\n00:02.500 --> 00:09.000\nPast the end\n\n00:05.000 --> 00:06.000\nAfter the end\n');
    await put(FR, '1\n00:00:01,000 --> 00:00:02,500\nBonjour\n');
  });
  afterAll(() => h.close());

  it('writes each as <base><modifier>.m3u8 and numbered .vtt segments on the video segments, and lists the outputs', async () => {
    const { Job } = await h.client.send(new CreateJobCommand(job('subs/', [
      { key: EN, type: 'WEBVTT', language: 'en', name: 'English', style: true },
      { key: FR, type: 'SRT', language: 'fr', accessible: true },
    ])));
    await h.standIn.whenIdle();
    expect(h.standIn.jobs().find((j) => j.id === Job!.Id)?.status).toBe('COMPLETE');
    expect((await h.keys(MEDIA)).filter((k) => /_(en|fr)/.test(k))).toEqual([
      'subs/welcome_en.m3u8',
      'subs/welcome_en_000000001.vtt',
      'subs/welcome_en_000000002.vtt',
      'subs/welcome_fr.m3u8',
      'subs/welcome_fr_000000001.vtt',
      'subs/welcome_fr_000000002.vtt',
    ]);
    const video = parseMediaPlaylist(await read('subs/welcome_360.m3u8'));
    const en = parseMediaPlaylist(await read('subs/welcome_en.m3u8'));
    expect(en.segments.map((s) => s.duration)).toEqual(video.segments.map((s) => s.duration));
    const complete = h.events.find((e) => e.detail.jobId === Job!.Id && e.detail.status === 'COMPLETE')!;
    expect((complete.detail['outputGroupDetails'] as any[])[0].outputDetails).toHaveLength(3);
  });

  it('signals the first track as the default, the accessible one with its characteristics, every variant naming the group', async () => {
    const master = await read('subs/welcome.m3u8');
    expect(master).toContain('#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",AUTOSELECT=YES,DEFAULT=YES,FORCED=NO,URI="welcome_en.m3u8"');
    // No LanguageDescription: the language is the name.
    expect(master).toContain(`#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="fr",LANGUAGE="fr",AUTOSELECT=YES,DEFAULT=NO,FORCED=NO,CHARACTERISTICS="${CAPTION_CHARACTERISTICS}",URI="welcome_fr.m3u8"`);
    expect(master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF')).every((l) => l.endsWith(',SUBTITLES="subs"'))).toBe(true);
  });

  it('keeps style with StylePassthrough ENABLED, drops it otherwise, and keeps every cue inside the input', async () => {
    const first = await read('subs/welcome_en_000000001.vtt');
    expect(first).toContain('::cue { color: yellow }');
    const cues = (text: string) => parseWebVtt(text, 'x.vtt').cues.map((c) => [c.startMs, c.endMs, c.text, c.settings]);
    // 2 s segments of a 3 s input: the cue past the end is clipped to 3 s, the one after it left out.
    expect(cues(first)).toEqual([[200, 1500, 'Hello', 'line:80%']]);
    expect(cues(await read('subs/welcome_en_000000002.vtt'))).toEqual([[2500, 3000, 'Past the end', '']]);
    const fr = await read('subs/welcome_fr_000000002.vtt');
    expect(fr).not.toContain('STYLE');
    expect(cues(fr)).toEqual([[1000, 2500, 'Bonjour', '']]);
  });

  it('fails with 1404 for a caption file that is not there and 1010 for one that cannot be read, writing nothing', async () => {
    await put('uploads/intro-to-hls/lesson-1/broken.en.vtt', 'WEBVTT\n\n00:01.000 --> soon\nHello\n');
    const before = await h.keys(MEDIA);
    const missing = await h.client.send(new CreateJobCommand(job('missing/', [{ key: 'uploads/intro-to-hls/lesson-1/gone.en.vtt', type: 'WEBVTT', language: 'en' }])));
    const broken = await h.client.send(new CreateJobCommand(job('broken/', [{ key: 'uploads/intro-to-hls/lesson-1/broken.en.vtt', type: 'WEBVTT', language: 'en' }])));
    await h.standIn.whenIdle();
    const errorOf = (id: string) => h.events.find((e) => e.detail.jobId === id && e.detail.status === 'ERROR')?.detail;
    expect(errorOf(missing.Job!.Id!)).toMatchObject({ errorCode: 1404, errorMessage: expect.stringContaining('gone.en.vtt') });
    expect(errorOf(broken.Job!.Id!)).toMatchObject({ errorCode: 1010, errorMessage: expect.stringContaining('broken.en.vtt:3: ') });
    expect(await h.keys(MEDIA)).toEqual(before);
  });
});
