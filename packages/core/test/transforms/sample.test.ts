import { Subject } from "rxjs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { VideoFrame } from "../../src/model/video-frame.js";
import { sampleFrames, sampleIntervalMilliseconds, sampleTransform } from "../../src/transforms/sample.js";
import { makeFrame } from "./support/make-frame.js";
import { makeContext, runStream, runStreamCountingDrops } from "./support/plugin-harness.js";

function framesAt(timestamps: readonly number[]): VideoFrame[] {
  return timestamps.map((relative, seq) => makeFrame({ relative, seq }));
}

async function sampled(input: unknown, timestamps: readonly number[]): Promise<number[]> {
  const instance = await sampleTransform.create(sampleTransform.options.parse(input), makeContext());
  const output = await runStream(instance, framesAt(timestamps));
  return output.map((frame) => frame.timestamp.relative);
}

describe("sample transform", () => {
  it.each([
    [true, [0, 1, 2, 3, 3.5]],
    [false, [0, 1, 2, 3]],
  ])("reports each frame it drops once it can no longer come out (flushLast %s)", async (flushLast, kept) => {
    const instance = await sampleTransform.create(sampleTransform.options.parse({ fps: 1, flushLast }), makeContext());
    const input = framesAt([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    const run = await runStreamCountingDrops(instance, input);
    expect(run.outputs.map((frame) => frame.timestamp.relative)).toEqual(kept);
    expect(run.reportedDrops).toBe(input.length - kept.length);
  });

  it("keeps the first frame of each interval and flushes the skipped last frame", async () => {
    const timestamps = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5];
    expect(await sampled({ fps: 1 }, timestamps)).toEqual([0, 1, 2, 3, 3.5]);
  });

  it("does not flush when the last frame was kept, or when flushLast is false", async () => {
    expect(await sampled({ fps: 1 }, [0, 0.5, 1])).toEqual([0, 1]);
    expect(await sampled({ fps: 1, flushLast: false }, [0, 0.5, 1, 1.5])).toEqual([0, 1]);
  });

  it("accepts an interval duration instead of fps", async () => {
    const timestamps = Array.from({ length: 13 }, (_, index) => index * 0.5);
    expect(await sampled({ interval: "2s", flushLast: false }, timestamps)).toEqual([0, 2, 4, 6]);
    expect(await sampled({ interval: "1500ms", flushLast: false }, timestamps)).toEqual([0, 1.5, 3, 4.5, 6]);
    expect(await sampled({ interval: 1500, flushLast: false }, timestamps)).toEqual([0, 1.5, 3, 4.5, 6]);
  });

  it("keeps the source rate despite capture jitter when fps matches it", async () => {
    const jittered = [10, 10.49, 11.01, 11.48, 12.02, 12.5];
    expect(await sampled({ fps: 2 }, jittered)).toEqual(jittered);
    expect(await sampled({ fps: 1, flushLast: false }, [0, 0.52, 0.98, 1.51, 2, 2.49, 3.02])).toEqual([
      0, 0.98, 2, 3.02,
    ]);
  });

  it("emits the first frame after a gap at once", async () => {
    expect(await sampled({ fps: 1, flushLast: false }, [0, 0.5, 7.3, 7.8, 8.3])).toEqual([0, 7.3, 8.3]);
  });

  it("restarts its timeline when timestamps go backwards", async () => {
    expect(await sampled({ fps: 1, flushLast: false }, [5, 5.5, 6, 0.2, 0.7, 1.2])).toEqual([5, 6, 0.2, 1.2]);
  });

  it("emits each kept frame as soon as it arrives, before the stream completes", () => {
    const input = new Subject<VideoFrame>();
    const output: number[] = [];
    let completed = false;
    input.pipe(sampleFrames(1000, true)).subscribe({
      next: (frame) => output.push(frame.seq),
      complete: () => {
        completed = true;
      },
    });
    const frames = framesAt([0, 0.5, 1, 1.5]);
    for (const frame of frames) input.next(frame);
    expect(output).toEqual([0, 2]);
    input.complete();
    expect(output).toEqual([0, 2, 3]);
    expect(completed).toBe(true);
  });

  it("keeps separate state per stream and per subscription", async () => {
    const instance = await sampleTransform.create(sampleTransform.options.parse({ fps: 1 }), makeContext());
    const first = await runStream(instance, framesAt([0, 0.5]));
    const second = await runStream(instance, framesAt([0.1, 0.6]));
    expect(first.map((frame) => frame.seq)).toEqual([0, 1]);
    expect(second.map((frame) => frame.seq)).toEqual([0, 1]);
  });

  it("passes frames through as the same objects", async () => {
    const instance = await sampleTransform.create(sampleTransform.options.parse({}), makeContext());
    const frames = framesAt([0, 0.5, 1]);
    const output = await runStream(instance, frames);
    expect(output[0]).toBe(frames[0]);
    expect(output[1]).toBe(frames[2]);
  });

  it("defaults to 1 fps and validates its options", () => {
    expect(sampleIntervalMilliseconds(sampleTransform.options.parse({}))).toBe(1000);
    expect(sampleIntervalMilliseconds(sampleTransform.options.parse({ fps: 4 }))).toBe(250);
    expect(sampleIntervalMilliseconds(sampleTransform.options.parse({ interval: "1m" }))).toBe(60_000);
    // A bare number is milliseconds, as for every duration option (it was seconds before).
    expect(sampleIntervalMilliseconds(sampleTransform.options.parse({ interval: 200 }))).toBe(200);
    expect(sampleIntervalMilliseconds(sampleTransform.options.parse({ interval: "0.2s" }))).toBe(200);

    const both = sampleTransform.options.safeParse({ fps: 1, interval: "2s" });
    expect(both.error?.issues[0]?.message).toBe("set either fps or interval, not both");
    const badDuration = sampleTransform.options.safeParse({ interval: "soon" });
    expect(badDuration.error?.issues[0]?.message).toMatch(/expected a positive duration .* got "soon"/);
    expect(sampleTransform.options.safeParse({ interval: 0.2 }).success).toBe(false);
    expect(sampleTransform.options.safeParse({ interval: "0s" }).success).toBe(false);
    expect(sampleTransform.options.safeParse({ fps: 0 }).success).toBe(false);
    expect(sampleTransform.options.safeParse({ rate: 2 }).error?.issues[0]?.code).toBe("unrecognized_keys");
  });

  it("describes every option in its JSON Schema", () => {
    const schema = z.toJSONSchema(sampleTransform.options, { io: "input" }) as {
      properties: Record<string, { description?: string }>;
    };
    expect(Object.keys(schema.properties).sort()).toEqual(["flushLast", "fps", "interval"]);
    for (const [key, property] of Object.entries(schema.properties)) {
      expect(property.description, key).toBeTruthy();
    }
  });
});
