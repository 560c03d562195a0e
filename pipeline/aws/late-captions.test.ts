/** When a late caption file goes into the published lesson, and which tracks it replaces (pure). */
import { describe, expect, it } from 'vitest';
import { lateCaptionsTarget, withHumanTrack } from './late-captions.ts';

const SOURCE = 'uploads/c/l/talk.mp4';
const published = { status: 'published' as const, sourceKey: SOURCE, publishedVersion: 'v0mwqc0001-cafe', sourceVersion: 'v0mwqc0001-cafe' };

describe('a caption file that arrives after its video', () => {
  it('goes into the published version when that version was made from its video and no job is running', () => {
    expect(lateCaptionsTarget(published, SOURCE)).toEqual({ version: 'v0mwqc0001-cafe' });
  });

  it('re-encodes instead while an encode runs, before the first publish, or when the published version is not its video', () => {
    expect(lateCaptionsTarget({ ...published, jobId: 'job-2' }, SOURCE), 'a re-upload being encoded').toBeNull();
    expect(lateCaptionsTarget({ ...published, status: 'encoding' }, SOURCE), 'the first encode').toBeNull();
    expect(lateCaptionsTarget({ ...published, sourceVersion: 'v0mwqc0002-cafe' }, SOURCE), 'a failed re-upload: the old video is served').toBeNull();
    const { sourceVersion: _, ...before } = published;
    expect(lateCaptionsTarget(before, SOURCE), 'published before sourceVersion was recorded, or registered since').toBeNull();
    expect(lateCaptionsTarget(published, 'uploads/c/l/other.mp4')).toBeNull();
    expect(lateCaptionsTarget(null, SOURCE)).toBeNull();
  });
});

describe('the tracks once a human track is added', () => {
  const human = (language: string, rev: string) => ({ language, name: language, uri: `v1/subs/${language}.${rev}.m3u8` });
  const auto = (language: string) => ({ language, name: `${language} (auto-generated)`, uri: `v1/subs/${language}.auto-r1.m3u8` });

  it('replace its language in place and keep every other language', () => {
    const existing = [human('en', 'r1'), human('es', 'r1')];
    expect(withHumanTrack(existing, human('en', 'r2')).map((t) => t.uri)).toEqual(['v1/subs/en.r2.m3u8', 'v1/subs/es.r1.m3u8']);
    expect(withHumanTrack(existing, human('fr', 'r2')).map((t) => t.language)).toEqual(['en', 'es', 'fr']);
  });

  it('drop automatic tracks of the same primary language, and keep other automatic tracks and human regional ones', () => {
    const existing = [auto('en-US'), human('en-GB', 'r1'), auto('de-DE')];
    expect(withHumanTrack(existing, human('en', 'r2')).map((t) => t.uri)).toEqual(['v1/subs/en-GB.r1.m3u8', 'v1/subs/de-DE.auto-r1.m3u8', 'v1/subs/en.r2.m3u8']);
    expect(withHumanTrack([auto('en-US')], human('en-US', 'r2')).map((t) => t.uri)).toEqual(['v1/subs/en-US.r2.m3u8']);
  });
});
