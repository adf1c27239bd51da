import type { Logger, StreamInfo, VideoFrame } from "@framepipe/core";
import { createSilentLogger, groupKeyOf, streamKeyOfFrame, withImage } from "@framepipe/core";
import {
  createStreamControls,
  createTestContext,
  createTestFrame,
  createTestStream,
  renderFrame,
  transformContract,
} from "@framepipe/testing";
import { from, lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import motionScore, {
  grayscaleThumbnail,
  type MotionScore,
  meanAbsoluteDifference,
  motionFilter,
  motionScoreOptions,
} from "../plugins/motion-score.js";

/** Frames of one webcam stream carrying the given PNGs, in order (2 fps timestamps). */
function webcamFrames(images: readonly Buffer[], participantId = 100): VideoFrame[] {
  return images.map((data, seq) => {
    const frame = createTestFrame({ participant: { id: participantId }, seq });
    return withImage(frame, { data, format: "png", width: 480, height: 360 });
  });
}

function streamInfo(frame: VideoFrame): StreamInfo {
  return {
    key: streamKeyOfFrame(frame),
    groupKey: groupKeyOf(frame.recording.id, frame.participant.id),
    recordingId: frame.recording.id,
    participantId: frame.participant.id,
    type: frame.type,
  };
}

/** Runs frames through the plugin as the runtime does: one operator per stream. */
async function runPlugin(frames: readonly VideoFrame[], options: Record<string, unknown> = {}, logger?: Logger) {
  const transform = await motionScore.create(
    motionScoreOptions.parse(options),
    createTestContext({ kind: "transform", componentId: "moving", ...(logger ? { logger } : {}) }),
  );
  if (!transform.stream) throw new Error("motion-score must be a per-stream transform");
  const streams = new Map<string, VideoFrame[]>();
  for (const frame of frames)
    streams.set(streamKeyOfFrame(frame), [...(streams.get(streamKeyOfFrame(frame)) ?? []), frame]);
  const kept: VideoFrame[] = [];
  for (const stream of streams.values()) {
    kept.push(
      ...(await lastValueFrom(
        from(stream).pipe(transform.stream(streamInfo(stream[0] as VideoFrame), createStreamControls()), toArray()),
      )),
    );
  }
  return kept;
}

/** Realistic 480×360 webcam frames of a moving scene (the counter moves shapes and text), rendered once. */
const moving = await Promise.all([0, 1, 2, 3].map((counter) => renderFrame({ participantId: 100, counter })));

describe("motion-score: the transform contract of @framepipe/testing", () => {
  transformContract({ it, describe, expect, definition: motionScore, validOptions: {} });
  transformContract({
    it,
    describe,
    expect,
    name: "transform contract (threshold 0: every frame kept)",
    definition: motionScore,
    validOptions: { threshold: 0 },
    oneToOne: true,
  });
});

describe("motion-score: scoring", () => {
  it("scores identical images 0 and a black-to-white change 255", () => {
    const black = new Uint8Array(16);
    const white = new Uint8Array(16).fill(255);
    expect(meanAbsoluteDifference(black, black)).toBe(0);
    expect(meanAbsoluteDifference(black, white)).toBe(255);
    expect(meanAbsoluteDifference(white, new Uint8Array(16).fill(251))).toBe(4);
    expect(() => meanAbsoluteDifference(black, new Uint8Array(8))).toThrow(RangeError);
  });

  it("decodes any frame size to a thumbnail of the configured size, one gray byte per pixel", async () => {
    const webcam = await grayscaleThumbnail(moving[0] as Buffer, { width: 64, height: 48 });
    const screen = await grayscaleThumbnail(
      await renderFrame({ participantId: 7, type: "screenshare", width: 320, height: 180 }),
      {
        width: 64,
        height: 48,
      },
    );
    expect(webcam).toHaveLength(64 * 48);
    expect(screen).toHaveLength(64 * 48);
  });
});

describe("motion-score: dropping still frames", () => {
  it("keeps every frame of a moving webcam, scoring each against the previous one", async () => {
    const results: MotionScore[] = [];
    const frames = webcamFrames(moving);
    const kept = await lastValueFrom(
      from(frames).pipe(
        motionFilter({ threshold: 1, width: 64, height: 48, onScore: (result) => results.push(result) }),
        toArray(),
      ),
    );
    expect(kept.map((frame) => frame.seq)).toEqual([0, 1, 2, 3]);
    // Kept frames are the input objects: nothing re-encoded, nothing copied.
    kept.forEach((frame, index) => {
      expect(frame).toBe(frames[index]);
    });
    expect(results[0]?.score).toBeNull();
    for (const result of results.slice(1)) expect(result.score).toBeGreaterThan(1);
  });

  it("drops identical frames after the first", async () => {
    const still = moving[2] as Buffer;
    const kept = await runPlugin(webcamFrames([still, still, still, still]));
    expect(kept.map((frame) => frame.seq)).toEqual([0]);
  });

  it("drops the frames of a camera that stops moving, and keeps them again once it moves", async () => {
    const [first, second, third] = moving as [Buffer, Buffer, Buffer];
    const kept = await runPlugin(webcamFrames([first, second, second, second, third, third]));
    expect(kept.map((frame) => frame.seq)).toEqual([0, 1, 4]);
  });

  it("drops moving frames too when the threshold is above their score", async () => {
    const kept = await runPlugin(webcamFrames(moving), { threshold: 100 });
    expect(kept.map((frame) => frame.seq)).toEqual([0]);
  });

  it("keeps per-participant state: a still participant does not silence a moving one", async () => {
    const still = webcamFrames([moving[0], moving[0], moving[0], moving[0]] as Buffer[], 101);
    const active = webcamFrames(moving, 100);
    const interleaved = active.flatMap((frame, index) => [frame, still[index] as VideoFrame]);
    const kept = await runPlugin(interleaved);
    expect(kept.filter((frame) => frame.participant.id === 100).map((frame) => frame.seq)).toEqual([0, 1, 2, 3]);
    expect(kept.filter((frame) => frame.participant.id === 101).map((frame) => frame.seq)).toEqual([0]);
  });

  it("keeps frames it cannot decode and warns once per stream", async () => {
    const warnings: string[] = [];
    const logger: Logger = {
      ...createSilentLogger(),
      warn: ((_fields: unknown, message?: string) => warnings.push(message ?? "")) as Logger["warn"],
    };
    const broken = createTestStream({ participants: 1, frames: 3 }).map((frame) =>
      withImage(frame, { data: Buffer.from("not an image"), format: "png", width: 32, height: 24 }),
    );
    const kept = await runPlugin(broken, {}, logger);
    expect(kept).toHaveLength(3);
    expect(warnings).toEqual(["motion-score: cannot decode a frame; undecodable frames are kept"]);
  });

  it("rejects options outside their ranges", () => {
    expect(motionScoreOptions.safeParse({ threshold: -1 }).success).toBe(false);
    expect(motionScoreOptions.safeParse({ thumbnailWidth: 2 }).success).toBe(false);
    expect(motionScoreOptions.safeParse({ treshold: 1 }).success).toBe(false);
    expect(motionScoreOptions.parse({})).toEqual({ threshold: 1, thumbnailWidth: 64, thumbnailHeight: 48 });
  });
});
