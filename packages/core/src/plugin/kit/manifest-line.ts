import type { VideoFrame } from "../../model/video-frame.js";

/**
 * The fields of a manifest line that describe the frame: what a video assembler or a dataset
 * loader needs per frame. A sink's line adds first where it stored the frame (`file`, `key`).
 */
export interface ManifestFrameFields {
  readonly seq: number;
  /** Seconds since the recording started, as Recall sent it. */
  readonly relative: number;
  /** ISO 8601 capture time (UTC), or null when the frame had no valid time. */
  readonly absolute: string | null;
  readonly width: number;
  readonly height: number;
  readonly format: string;
  /** Size of the stored image in bytes. */
  readonly bytes: number;
  /** The participant's name when the frame was captured (names arrive late), or null. */
  readonly participantName: string | null;
}

/** The {@link ManifestFrameFields} of a frame. */
export function manifestFieldsOf(frame: VideoFrame): ManifestFrameFields {
  const time = frame.timestamp.absolute.getTime();
  return {
    seq: frame.seq,
    relative: frame.timestamp.relative,
    absolute: Number.isFinite(time) ? frame.timestamp.absolute.toISOString() : null,
    width: frame.image.width,
    height: frame.image.height,
    format: frame.image.format,
    bytes: frame.image.data.byteLength,
    participantName: frame.participant.name ?? null,
  };
}
