import { defineTransform, type TransformInstance, type VideoFrame, withImage, withParticipant } from "@framepipe/core";
import { concatMap, from, map, mergeMap } from "rxjs";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ContractCheckResult } from "../../src/contract/contract-kit.js";
import { runTransformChecks, transformContract } from "../../src/contract/transform-contract.js";

const identity = defineTransform({
  type: "identity",
  summary: "Passes frames through unchanged.",
  options: z.strictObject({}),
  create: () => ({ process: (frame: VideoFrame) => frame }),
});

const identityStream = defineTransform({
  type: "identity-stream",
  summary: "Passes frames through a per-stream operator.",
  options: z.strictObject({}),
  create: () => ({ stream: () => map((frame: VideoFrame) => frame) }),
});

/** A real re-encoding transform: shows the contract accepts frames with new images. */
const shrink = defineTransform({
  type: "shrink",
  summary: "Resizes frames to a fixed width.",
  options: z.strictObject({ width: z.number().int().positive().describe("Target width in pixels.") }),
  create: (options) => ({
    stream: () =>
      concatMap(async (frame: VideoFrame) => {
        const { data, info } = await sharp(frame.image.data)
          .resize({ width: options.width })
          .png()
          .toBuffer({ resolveWithObject: true });
        return withImage(frame, { data, format: "png", width: info.width, height: info.height });
      }),
  }),
});

transformContract({ it, describe, expect, definition: identity, oneToOne: true });
transformContract({ it, describe, expect, definition: identityStream, oneToOne: true });
transformContract({ it, describe, expect, definition: shrink, validOptions: { width: 16 }, oneToOne: true });

function failedChecks(results: readonly ContractCheckResult[]): string[] {
  return results.filter((result) => !result.passed).map((result) => result.name);
}

function processOnly(
  process: (frame: VideoFrame) => ReturnType<Extract<TransformInstance, { process: unknown }>["process"]>,
) {
  return { create: (): TransformInstance => ({ process }) };
}

describe("the transform contract itself", () => {
  it("passes a correct transform programmatically", async () => {
    expect(failedChecks(await runTransformChecks({ definition: identity, oneToOne: true }, expect))).toEqual([]);
  });

  it("accepts dropping frames with null unless oneToOne is claimed", async () => {
    const dropOdd = processOnly((frame) => (frame.seq % 2 === 1 ? null : frame));
    expect(failedChecks(await runTransformChecks(dropOdd))).toEqual([]);
    expect(failedChecks(await runTransformChecks({ ...dropOdd, oneToOne: true }))).toEqual([
      "returns one frame per input frame",
    ]);
  });

  it("fails a transform that mutates its input buffer", async () => {
    const mutating = processOnly((frame) => {
      frame.image.data[frame.image.data.length - 5] = 0;
      frame.image.data[frame.image.data.length - 6] = 1;
      return frame;
    });
    expect(failedChecks(await runTransformChecks(mutating))).toEqual(["never mutates input frames"]);
  });

  it("fails a transform that returns unfrozen frames", async () => {
    const unfrozen = processOnly((frame) => ({ ...frame }));
    expect(failedChecks(await runTransformChecks(unfrozen))).toEqual([
      "outputs frozen frames with a consistent image",
      "handles a realistic 480×360 webcam frame",
    ]);
  });

  it("fails a transform whose image size does not match the declared width and height", async () => {
    const lying = processOnly((frame) => withImage(frame, { ...frame.image, width: frame.image.width * 2 }));
    expect(failedChecks(await runTransformChecks(lying))).toEqual([
      "outputs frozen frames with a consistent image",
      "handles a realistic 480×360 webcam frame",
    ]);
  });

  it("fails a stream transform that reorders a stream", async () => {
    const settleAfter = async (ticks: number): Promise<void> => {
      for (let tick = 0; tick < ticks; tick += 1) await Promise.resolve();
    };
    const reordering = {
      create: (): TransformInstance => ({
        stream: () => mergeMap((frame: VideoFrame) => from(settleAfter(20 - frame.seq * 5).then(() => frame))),
      }),
    };
    expect(failedChecks(await runTransformChecks(reordering))).toEqual(["keeps per-stream order"]);
  });

  it("fails an undocumented change of participant, and accepts it once documented", async () => {
    const renaming = processOnly((frame) => withParticipant(frame, { name: "Someone else" }));
    expect(failedChecks(await runTransformChecks(renaming))).toEqual([
      "keeps recording, participant, type, seq, timestamps unless documented",
    ]);
    expect(failedChecks(await runTransformChecks({ ...renaming, changes: ["participant"] }))).toEqual([]);
  });

  it("fails an instance with both process and stream", async () => {
    const both = {
      create: () =>
        ({
          process: (frame: VideoFrame) => frame,
          stream: () => map((frame: VideoFrame) => frame),
        }) as unknown as TransformInstance,
    };
    expect(failedChecks(await runTransformChecks(both))).toContain("has exactly one of process and stream");
  });
});
