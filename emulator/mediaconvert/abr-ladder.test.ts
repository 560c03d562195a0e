/** The stand-in's reading of Automated ABR: which renditions, at which bitrates. */
import { describe, expect, it } from 'vitest';
import { AbrLadderError, chooseRenditions } from './abr-ladder.ts';

const allowed = [[1920, 1080], [1280, 720], [854, 480], [640, 360]].map(([Width, Height]) => ({ Width, Height, Required: 'DISABLED' as const }));
const rules = [{ Type: 'ALLOWED_RENDITIONS' as const, AllowedRenditions: allowed }];

describe('automated ABR renditions', () => {
  it('never upscales: a 720p source gets the allowed sizes up to 720p', () => {
    const r = chooseRenditions({ abr: { MaxRenditions: 4, Rules: rules }, source: { width: 1280, height: 720, fps: 30 } });
    expect(r.map((x) => `${x.width}x${x.height}`)).toEqual(['1280x720', '854x480', '640x360']);
  });

  it('keeps to Max renditions and to the Max resolution of the base output', () => {
    const r = chooseRenditions({ abr: { MaxRenditions: 3, Rules: rules }, source: { width: 1920, height: 1080, fps: 30 }, maxWidth: 1280, maxHeight: 720 });
    expect(r.map((x) => x.height)).toEqual([720, 480, 360]);
    expect(chooseRenditions({ abr: { MaxRenditions: 3 }, source: { width: 1920, height: 1080, fps: 30 } })).toHaveLength(3);
  });

  it('keeps every average bitrate between Min and Max ABR bitrate', () => {
    const r = chooseRenditions({ abr: { MaxRenditions: 4, MaxAbrBitrate: 2_000_000, MinAbrBitrate: 900_000, Rules: rules }, source: { width: 1920, height: 1080, fps: 30 } });
    expect(r.map((x) => x.bitrate)).toEqual([2_000_000, 2_000_000, 1_229_760, 900_000]);
  });

  it('turns the sizes for a portrait source', () => {
    const r = chooseRenditions({ abr: { MaxRenditions: 4, Rules: rules }, source: { width: 720, height: 1280, fps: 30 } });
    expect(r[0]).toMatchObject({ width: 720, height: 1280 });
  });

  it('refuses when no allowed size fits the source (a 1040 settings error in the job)', () => {
    expect(() => chooseRenditions({ abr: { MaxRenditions: 4, Rules: rules }, source: { width: 320, height: 180, fps: 30 } })).toThrow(AbrLadderError);
  });
});
