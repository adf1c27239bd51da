import { join } from "node:path";
import { groupKeyOf, type SinkInstance, type VideoFrame } from "@framepipe/core";
import recordSink from "@framepipe/sink-record";
import { createTestContext } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { createReplaySource, replaySourceOptions } from "../src/index.js";
import { comparable, realisticFrames } from "./support/realistic-frames.js";
import { tempDir } from "./support/temp-dir.js";

async function record(dir: string, frames: readonly VideoFrame[], gzip: boolean): Promise<void> {
  const sink: SinkInstance = await recordSink.create(recordSink.options.parse({ dir, gzip }), createTestContext());
  for (const frame of frames) await sink.write(frame);
  for (const frame of frames) {
    await sink.endGroup?.({
      key: groupKeyOf(frame.recording.id, frame.participant.id),
      recordingId: frame.recording.id,
      participantId: frame.participant.id,
      reason: "leave",
    });
  }
  await sink.close?.();
}

async function replayAll(dir: string) {
  const source = createReplaySource(
    replaySourceOptions.parse({ files: dir, speed: "max" }),
    createTestContext({ kind: "source" }),
  );
  await source.start?.();
  const frames: Omit<VideoFrame, "seq">[] = [];
  await new Promise<void>((resolve, reject) =>
    source.events$.subscribe({
      next: (event) => {
        if (event.kind === "video-frame") frames.push(event.frame);
      },
      error: reject,
      complete: resolve,
    }),
  );
  return { frames, summary: await source.finished };
}

describe("record → replay round trip", () => {
  // Rendering realistic PNGs costs tens of milliseconds each: once for both cases.
  const rendered = realisticFrames();
  for (const gzip of [false, true]) {
    it(`reproduces every frame exactly: image bytes, participant, type, timestamps, resources${gzip ? " (gzip)" : ""}`, async () => {
      const frames = await rendered;
      const dir = await tempDir();
      await record(dir, frames, gzip);
      const { frames: replayed, summary } = await replayAll(dir);
      expect(summary.files.map((file) => file.path)).toEqual(
        ["rec-alpha", "rec-beta"].map((id) => join(dir, `${id}.ndjson${gzip ? ".gz" : ""}`)),
      );
      expect(summary.badLines).toEqual({});
      expect(replayed).toHaveLength(frames.length);
      // One file per recording, played in name order; inside a file, the order frames were written.
      expect(replayed.map(comparable)).toEqual(frames.map(comparable));
      for (const [index, frame] of replayed.entries()) {
        expect(frame.image.data.equals(frames[index]!.image.data)).toBe(true);
        expect(frame.timestamp.absolute.getTime()).toBe(frames[index]!.timestamp.absolute.getTime());
      }
      expect(replayed.some((frame) => frame.bot === null && frame.participant.name === null)).toBe(true);
      expect(replayed.some((frame) => frame.type === "screenshare" && frame.image.width === 1280)).toBe(true);
    });
  }
});
