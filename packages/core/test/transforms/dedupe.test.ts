import { from, lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { validatePipelineConfig } from "../../src/config/validate-pipeline-config.js";
import type { VideoFrame } from "../../src/model/video-frame.js";
import { dedupeFrames, dedupeTransform } from "../../src/transforms/dedupe.js";
import { testPlugins } from "../config/support/test-plugins.js";
import { makeFrame } from "./support/make-frame.js";
import { makeContext, runStream, runStreamCountingDrops } from "./support/plugin-harness.js";

function framesWith(images: readonly Buffer[]): VideoFrame[] {
  return images.map((data, seq) => makeFrame({ seq, data }));
}

async function kept(input: unknown, images: readonly Buffer[]): Promise<number[]> {
  const instance = await dedupeTransform.create(dedupeTransform.options.parse(input), makeContext());
  const output = await runStream(instance, framesWith(images));
  return output.map((frame) => frame.seq);
}

const a = Buffer.from("image-a");
const b = Buffer.from("image-b");
const longer = Buffer.from("image-a-longer");

describe("dedupe transform", () => {
  it("skips a frame whose bytes equal the last kept frame", async () => {
    expect(await kept({}, [a, Buffer.from(a), a, b, b, a, longer, longer])).toEqual([0, 3, 5, 6]);
  });

  it("reports every skipped frame to the runtime as it skips it", async () => {
    const instance = await dedupeTransform.create(dedupeTransform.options.parse({ maxSkip: 2 }), makeContext());
    const run = await runStreamCountingDrops(instance, framesWith([a, a, a, a, b, b, a]));
    expect(run.outputs.map((frame) => frame.seq)).toEqual([0, 3, 4, 6]);
    expect(run.reportedDrops).toBe(3);
  });

  it("keeps a frame after maxSkip identical frames in a row", async () => {
    expect(await kept({ maxSkip: 2 }, [a, a, a, a, a, a, a, b])).toEqual([0, 3, 6, 7]);
    expect(await kept({ maxSkip: 1 }, [a, a, a, b, b])).toEqual([0, 2, 3]);
  });

  it("passes kept frames through as the same frozen objects, unmodified", async () => {
    const instance = await dedupeTransform.create(dedupeTransform.options.parse({}), makeContext());
    const frames = framesWith([a, a, b]);
    const before = frames.map((frame) => Buffer.from(frame.image.data));
    const output = await runStream(instance, frames);
    expect(output).toHaveLength(2);
    expect(output[0]).toBe(frames[0]);
    expect(output[1]).toBe(frames[2]);
    expect(Object.isFrozen(output[1])).toBe(true);
    expect(frames.map((frame) => frame.image.data)).toEqual(before);
  });

  it("keeps separate state per stream subscription", async () => {
    const instance = await dedupeTransform.create(dedupeTransform.options.parse({}), makeContext());
    expect((await runStream(instance, framesWith([a, a]))).map((frame) => frame.seq)).toEqual([0]);
    expect((await runStream(instance, framesWith([a, b]))).map((frame) => frame.seq)).toEqual([0, 1]);
  });

  it("works as a plain operator, without the runtime", async () => {
    const output = await lastValueFrom(from(framesWith([a, a, b, b, a])).pipe(dedupeFrames(), toArray()));
    expect(output.map((frame) => frame.seq)).toEqual([0, 2, 4]);
  });

  it("validates its options and describes each one", () => {
    expect(dedupeTransform.options.parse({})).toEqual({});
    expect(dedupeTransform.options.parse({ tolerance: 0 })).toEqual({ tolerance: 0 });
    expect(dedupeTransform.options.safeParse({ tolerance: 4 }).success).toBe(false);
    expect(dedupeTransform.options.safeParse({ tolerance: 1.5 }).success).toBe(false);
    expect(dedupeTransform.options.safeParse({ maxSkip: 0 }).success).toBe(false);
    expect(dedupeTransform.options.safeParse({ treshold: 3 }).error?.issues[0]?.code).toBe("unrecognized_keys");
    const schema = z.toJSONSchema(dedupeTransform.options, { io: "input" }) as {
      properties: Record<string, { description?: string }>;
    };
    expect(Object.keys(schema.properties).sort()).toEqual(["maxSkip", "tolerance"]);
    for (const [key, property] of Object.entries(schema.properties)) {
      expect(property.description, key).toBeTruthy();
    }
  });
});

describe("dedupe transform, perceptual mode asked of core", () => {
  it("is a validation error that points at dedupe-similar in @framepipe/transform-resize", async () => {
    const result = await validatePipelineConfig(
      {
        version: 1,
        sources: { recall: { type: "websocket" } },
        transforms: { changes: { type: "dedupe", inputs: ["recall"], tolerance: 6 } },
        sinks: { disk: { type: "fs", inputs: ["changes"], dir: "./frames" } },
      },
      { builtins: testPlugins },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.path).toBe("transforms.changes.tolerance");
    expect(result.problems[0]?.message).toBe(
      "perceptual dedupe is not in core: did you mean `type: dedupe-similar` (@framepipe/transform-resize, " +
        "built into the framepipe CLI)? Core `dedupe` skips byte-identical images only and accepts tolerance 0, got 6",
    );
  });
});
