import { writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import type { VideoFrame } from "@framepipe/core";
import { createTestStream, videoFrameMessage, videoFrameMessageOptionsOf } from "@framepipe/testing";

/** The Recall message of each frame, one per line, as the record sink writes them. */
export function recordingText(frames: readonly VideoFrame[]): string {
  return frames.map((frame) => `${videoFrameMessage(videoFrameMessageOptionsOf(frame))}\n`).join("");
}

/** Writes a recording of `frames` to `path`, gzipped when `gzip` is set. */
export async function writeRecording(path: string, frames: readonly VideoFrame[], gzip = false): Promise<void> {
  const text = Buffer.from(recordingText(frames));
  await writeFile(path, gzip ? gzipSync(text) : text);
}

/** Small frames of one participant at 2 fps: relative 0, 0.5, 1, … */
export function paceFrames(count: number, recordingId = "rec-pace"): VideoFrame[] {
  return createTestStream({ participants: 1, frames: count, base: { recording: { id: recordingId } } });
}
