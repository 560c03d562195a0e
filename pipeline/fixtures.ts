/**
 * ffprobe JSON shapes for tests: trimmed copies of what ffprobe 5.1 prints for the kinds of
 * sources the pipeline must handle. `source()` builds one from a few knobs.
 */
export interface SourceKnobs {
  width?: number;
  height?: number;
  sar?: string;
  rotation?: number;
  rotateTag?: string;
  rFrameRate?: string;
  avgFrameRate?: string;
  fieldOrder?: string;
  videoBitRate?: number | null;
  formatBitRate?: number | null;
  duration?: number;
  audioChannels?: number | null;
  audioBitRate?: number;
  attachedPicFirst?: boolean;
}

export function source(k: SourceKnobs = {}): Record<string, unknown> {
  const streams: Record<string, unknown>[] = [];
  if (k.attachedPicFirst) {
    streams.push({
      index: streams.length,
      codec_name: 'mjpeg',
      codec_type: 'video',
      width: 600,
      height: 600,
      r_frame_rate: '90000/1',
      avg_frame_rate: '0/0',
      disposition: { default: 0, attached_pic: 1 },
    });
  }
  streams.push({
    index: streams.length,
    codec_name: 'h264',
    profile: 'High',
    codec_type: 'video',
    width: k.width ?? 1920,
    height: k.height ?? 1080,
    sample_aspect_ratio: k.sar ?? '1:1',
    pix_fmt: 'yuv420p',
    field_order: k.fieldOrder ?? 'progressive',
    r_frame_rate: k.rFrameRate ?? '30/1',
    avg_frame_rate: k.avgFrameRate ?? k.rFrameRate ?? '30/1',
    duration: String(k.duration ?? 600),
    ...(k.videoBitRate !== null && { bit_rate: String(k.videoBitRate ?? 8_000_000) }),
    disposition: { default: 1, attached_pic: 0 },
    ...(k.rotateTag !== undefined && { tags: { rotate: k.rotateTag } }),
    ...(k.rotation !== undefined && {
      side_data_list: [{ side_data_type: 'Display Matrix', displaymatrix: '...', rotation: k.rotation }],
    }),
  });
  if (k.audioChannels !== null) {
    streams.push({
      index: streams.length,
      codec_name: 'aac',
      profile: 'LC',
      codec_type: 'audio',
      sample_rate: '44100',
      channels: k.audioChannels ?? 2,
      bit_rate: String(k.audioBitRate ?? 128_000),
      r_frame_rate: '0/0',
      avg_frame_rate: '0/0',
    });
  }
  return {
    streams,
    format: {
      filename: '/uploads/source.mp4',
      format_name: 'mov,mp4,m4a,3gp,3g2,mj2',
      duration: String(k.duration ?? 600),
      ...(k.formatBitRate !== null && { bit_rate: String(k.formatBitRate ?? 8_200_000) }),
    },
  };
}
