import { join } from "node:path";
import type { GroupInfo } from "@framepipe/core";
import { createRecordingContext, createTestContext } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { createVideoSink, type VideoSinkOptionsInput, videoSinkOptions } from "../src/index.js";
import { probe, readManifest } from "./support/ffprobe.js";
import { frameAt } from "./support/frames.js";
import { tempDir } from "./support/temp-dir.js";

async function sinkIn(dir: string, options: Partial<VideoSinkOptionsInput> = {}, context = createTestContext()) {
  return createVideoSink(videoSinkOptions.parse({ dir, ...options }), context);
}

function group(recordingId: string, participantId = 100): GroupInfo {
  return { key: `${recordingId}#${participantId}`, recordingId, participantId, reason: "leave" };
}

describe("video sink", () => {
  it("writes webcam and screenshare of a participant to separate files with their own sizes", async () => {
    const dir = await tempDir();
    const sink = await sinkIn(dir);
    for (let seq = 0; seq < 4; seq += 1) {
      await sink.write(frameAt(seq / 2, { recordingId: "rec", width: 480, height: 360 }));
      await sink.write(frameAt(seq / 2, { recordingId: "rec", type: "screenshare", width: 1280, height: 720 }));
    }
    await sink.endGroup?.(group("rec"));
    await sink.close?.();
    const webcam = await probe(join(dir, "rec", "100-webcam.mp4"));
    const screenshare = await probe(join(dir, "rec", "100-screenshare.mp4"));
    expect(webcam).toMatchObject({ codec: "h264", width: 480, height: 360, frames: 4, duration: 2 });
    expect(screenshare).toMatchObject({ codec: "h264", width: 1280, height: 720, frames: 4, duration: 2 });
    const manifest = await readManifest(dir, "rec");
    expect(manifest.map((line) => [line.file, line.framesIn, line.complete])).toEqual(
      expect.arrayContaining([
        ["rec/100-webcam.mp4", 4, true],
        ["rec/100-screenshare.mp4", 4, true],
      ]),
    );
  });

  it("follows the frames' timestamps: gaps filled, duplicate and late frames dropped and counted", async () => {
    const dir = await tempDir();
    const recording = createRecordingContext();
    const sink = await sinkIn(dir, {}, recording.context);
    // 0, 0.5, 1.0, 1.0 (duplicate), 0.7 (late), 3.0 (gap: slots 3, 4, 5 filled), 3.5 → 8 slots.
    for (const relative of [0, 0.5, 1, 1, 0.7, 3, 3.5]) await sink.write(frameAt(relative, { recordingId: "gaps" }));
    await sink.close?.();
    const video = await probe(join(dir, "gaps", "100-webcam.mp4"));
    expect(video).toMatchObject({ frames: 8, duration: 4 });
    const [line] = await readManifest(dir, "gaps");
    expect(line).toMatchObject({
      framesIn: 5,
      framesFilled: 3,
      framesDropped: 2,
      first: { relative: 0 },
      last: { relative: 3.5 },
      duration: 4,
      complete: true,
      reason: "close",
    });
    expect(line?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(recording.counters.get('video_sink_frames_dropped_total{"reason":"duplicate"}')).toBe(1);
    expect(recording.counters.get('video_sink_frames_dropped_total{"reason":"late"}')).toBe(1);
    expect(recording.counters.get("video_sink_frames_filled_total")).toBe(3);
    expect(recording.counters.get("video_sink_frames_encoded_total")).toBe(5);
  });

  it("a 10-minute stream with arrival jitter lasts its frames' time span within one frame interval", async () => {
    const dir = await tempDir();
    const sink = await sinkIn(dir);
    // Deterministic jitter of up to ±0.2 s around a 2 fps capture, with a few frames missing.
    let state = 7;
    const jitter = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return (state / 2 ** 31 - 0.5) * 0.4;
    };
    const times: number[] = [];
    for (let index = 0; index < 1200; index += 1) {
      if (index % 97 === 13) continue;
      times.push(Math.max(0, index / 2 + (index === 0 ? 0 : jitter())));
    }
    for (const relative of times) await sink.write(frameAt(relative, { recordingId: "long", width: 64, height: 48 }));
    await sink.close?.();
    const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
    const video = await probe(join(dir, "long", "100-webcam.mp4"));
    expect(Math.abs(video.duration - span)).toBeLessThanOrEqual(0.5);
    const [line] = await readManifest(dir, "long");
    expect((line?.framesIn ?? 0) + (line?.framesDropped ?? 0)).toBe(times.length);
    expect(video.frames).toBe((line?.framesIn ?? 0) + (line?.framesFilled ?? 0));
  }, 120_000);

  it("scales and pads frames of another size to the stream's first size", async () => {
    const dir = await tempDir();
    const sink = await sinkIn(dir);
    const sizes = [
      [480, 360],
      [480, 360],
      [640, 360],
      [320, 480],
      [161, 121],
      [480, 360],
    ] as const;
    let relative = 0;
    for (const [width, height] of sizes) {
      await sink.write(frameAt(relative, { recordingId: "sizes", width, height }));
      relative += 0.5;
    }
    await sink.close?.();
    expect(await probe(join(dir, "sizes", "100-webcam.mp4"))).toMatchObject({ width: 480, height: 360, frames: 6 });
  });

  it("uses the configured width and height, and an odd first size is rounded up to even", async () => {
    const dir = await tempDir();
    const sink = await sinkIn(dir);
    await sink.write(frameAt(0, { recordingId: "odd", width: 161, height: 121 }));
    await sink.close?.();
    expect(await probe(join(dir, "odd", "100-webcam.mp4"))).toMatchObject({ width: 162, height: 122, frames: 1 });
    const fixedDir = await tempDir();
    const fixed = await sinkIn(fixedDir, { width: 320, height: 180 });
    await fixed.write(frameAt(0, { recordingId: "fixed", width: 480, height: 360 }));
    await fixed.close?.();
    expect(await probe(join(fixedDir, "fixed", "100-webcam.mp4"))).toMatchObject({ width: 320, height: 180 });
  });

  it("a gap longer than maxGap starts a new segment; segment cuts long files", async () => {
    const dir = await tempDir();
    const sink = await sinkIn(dir, { maxGap: "5s", segment: "2s", path: "{recording.id}/{type}-{segment}.{ext}" });
    // 0..1.5 (4 frames), then 2.0 starts segment 1 (2 s), then a 10 s gap starts segment 2.
    for (const relative of [0, 0.5, 1, 1.5, 2, 2.5, 12.5, 13])
      await sink.write(frameAt(relative, { recordingId: "seg" }));
    await sink.close?.();
    const manifest = await readManifest(dir, "seg");
    expect(manifest.map((line) => [line.file, line.segment, line.framesIn, line.reason])).toEqual([
      ["seg/webcam-000.mp4", 0, 4, "segment"],
      ["seg/webcam-001.mp4", 1, 2, "max-gap"],
      ["seg/webcam-002.mp4", 2, 2, "close"],
    ]);
    expect(await probe(join(dir, "seg", "webcam-000.mp4"))).toMatchObject({ frames: 4, duration: 2 });
    expect(await probe(join(dir, "seg", "webcam-002.mp4"))).toMatchObject({ frames: 2, duration: 1 });
  });

  it("never replaces an existing file: a template without {segment} numbers the next files", async () => {
    const dir = await tempDir();
    const first = await sinkIn(dir);
    await first.write(frameAt(0, { recordingId: "again" }));
    await first.close?.();
    const second = await sinkIn(dir);
    await second.write(frameAt(5, { recordingId: "again" }));
    await second.close?.();
    const manifest = await readManifest(dir, "again");
    expect(manifest.map((line) => line.file)).toEqual(["again/100-webcam.mp4", "again/100-webcam.001.mp4"]);
  });

  it("fills gaps with black frames when gap is black", async () => {
    const dir = await tempDir();
    const sink = await sinkIn(dir, { gap: "black" });
    for (const relative of [0, 2]) await sink.write(frameAt(relative, { recordingId: "black" }));
    await sink.close?.();
    expect(await probe(join(dir, "black", "100-webcam.mp4"))).toMatchObject({ frames: 5, duration: 2.5 });
  });

  it("endStream finishes the file (ffmpeg exited) before it resolves", async () => {
    const dir = await tempDir();
    const sink = await sinkIn(dir);
    await sink.write(frameAt(0, { recordingId: "end" }));
    expect(sink.encoders()).toHaveLength(1);
    await sink.endStream?.({
      key: "end#100#webcam",
      groupKey: "end#100",
      recordingId: "end",
      participantId: 100,
      type: "webcam",
    });
    expect(sink.encoders()).toHaveLength(0);
    const [line] = await readManifest(dir, "end");
    expect(line).toMatchObject({ reason: "end-stream", complete: true, framesIn: 1 });
    expect(await probe(join(dir, "end", "100-webcam.mp4"))).toMatchObject({ frames: 1 });
    await sink.close?.();
  });

  it("past maxEncoders, finishes the least recently written stream's file, which continues in a new segment", async () => {
    const dir = await tempDir();
    const sink = await sinkIn(dir, { maxEncoders: 2 });
    await sink.write(frameAt(0, { recordingId: "cap", participantId: 1 }));
    await sink.write(frameAt(0, { recordingId: "cap", participantId: 2 }));
    await sink.write(frameAt(0, { recordingId: "cap", participantId: 3 }));
    expect(sink.encoders().map((encoder) => encoder.file)).toEqual(["cap/2-webcam.mp4", "cap/3-webcam.mp4"]);
    await sink.write(frameAt(0.5, { recordingId: "cap", participantId: 1 }));
    await sink.close?.();
    const manifest = await readManifest(dir, "cap");
    expect(manifest.filter((line) => line.reason === "evicted").map((line) => line.file)).toEqual([
      "cap/1-webcam.mp4",
      "cap/2-webcam.mp4",
    ]);
    expect(manifest.map((line) => line.file)).toContain("cap/1-webcam.001.mp4");
  });

  it("writes webm (VP9, or VP8)", async () => {
    const dir = await tempDir();
    const sink = await sinkIn(dir, { format: "webm" });
    for (const relative of [0, 0.5, 1])
      await sink.write(frameAt(relative, { recordingId: "webm", width: 320, height: 240 }));
    await sink.close?.();
    expect(await probe(join(dir, "webm", "100-webcam.webm"))).toMatchObject({
      codec: "vp9",
      width: 320,
      height: 240,
      frames: 3,
    });
    const vp8Dir = await tempDir();
    const vp8 = await sinkIn(vp8Dir, { format: "webm", codec: "vp8" });
    for (const relative of [0, 0.5]) await vp8.write(frameAt(relative, { recordingId: "vp8" }));
    await vp8.close?.();
    expect(await probe(join(vp8Dir, "vp8", "100-webcam.webm"))).toMatchObject({ codec: "vp8", frames: 2 });
  });
});
