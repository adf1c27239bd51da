import type { FrameType, VideoFrame } from "@framepipe/core";
import { createTestFrame, createTestPng, renderFrame } from "@framepipe/testing";

/** Options of {@link frameAt}. */
export interface FrameAtOptions {
  readonly recordingId: string;
  readonly participantId?: number;
  readonly name?: string | null;
  readonly type?: FrameType;
  readonly width?: number;
  readonly height?: number;
  readonly seq?: number;
}

/** A test frame of the given size at `relative` seconds (a flat PNG, cheap to encode). */
export function frameAt(relative: number, options: FrameAtOptions): VideoFrame {
  const participantId = options.participantId ?? 100;
  const seq = options.seq ?? Math.max(0, Math.round(relative * 2));
  return createTestFrame({
    recording: { id: options.recordingId },
    participant: { id: participantId, ...(options.name === undefined ? {} : { name: options.name }) },
    type: options.type ?? "webcam",
    seq,
    timestamp: { relative },
    image: {
      data: createTestPng({ width: options.width ?? 160, height: options.height ?? 120, participantId, seq }),
    },
  });
}

/** A realistic 480×360 webcam frame (noise, ~150 KB PNG) at `relative` seconds: ffmpeg reads it at once. */
export async function realisticFrameAt(relative: number, options: FrameAtOptions): Promise<VideoFrame> {
  const participantId = options.participantId ?? 100;
  const seq = options.seq ?? Math.max(0, Math.round(relative * 2));
  const data = await renderFrame({ participantId, counter: seq, type: options.type ?? "webcam" });
  return createTestFrame({
    recording: { id: options.recordingId },
    participant: { id: participantId },
    type: options.type ?? "webcam",
    seq,
    timestamp: { relative },
    image: { data },
  });
}
