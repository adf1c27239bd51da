import {
  createPipeline,
  FramepipeError,
  isPluginDefinition,
  type LogFunction,
  type Logger,
  type TransformInstance,
  type VideoFrame,
  validatePipelineConfig,
} from "@framepipe/core";
import {
  createCollectSink,
  createMemorySource,
  createTestContext,
  createTestFrame,
  renderFrame,
  transformContract,
} from "@framepipe/testing";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import resizeDefault, { type ResizeOptionsInput, resizeOptionsSchema, resizeTransform } from "../src/index.js";
import { frameOf, quadrantPng } from "./support/images.js";

transformContract({
  it,
  describe,
  expect,
  definition: resizeTransform,
  validOptions: { width: 16, height: 12, format: "jpeg" },
  oneToOne: true,
  name: "transform contract (resize to jpeg)",
});

transformContract({
  it,
  describe,
  expect,
  definition: resizeTransform,
  validOptions: { width: 24, height: 24, fit: "contain", background: "transparent", grayscale: true },
  oneToOne: true,
  name: "transform contract (contain, grayscale, same format)",
});

async function createResize(options: ResizeOptionsInput, componentId = "thumbs"): Promise<TransformInstance> {
  return resizeTransform.create(
    resizeOptionsSchema.parse(options),
    createTestContext({ kind: "transform", type: "resize", componentId }),
  );
}

async function processFrame(transform: TransformInstance, frame: VideoFrame): Promise<VideoFrame> {
  const output = await transform.process?.(frame);
  if (output === null || output === undefined || Array.isArray(output)) throw new Error("expected one frame");
  return output as VideoFrame;
}

/** A frame whose PNG is cut off halfway, as a broken upload would leave it. */
async function truncatedFrame(seq: number): Promise<VideoFrame> {
  const valid = await frameOf(await quadrantPng({ width: 480, height: 360 }), { seq });
  return createTestFrame({
    seq,
    image: { data: valid.image.data.subarray(0, valid.image.data.length / 2), format: "png", width: 480, height: 360 },
  });
}

describe("resize transform definition", () => {
  it("is the package's default export, typed resize", () => {
    expect(resizeDefault).toBe(resizeTransform);
    expect(isPluginDefinition(resizeDefault)).toBe(true);
    expect(resizeDefault).toMatchObject({ kind: "transform", type: "resize" });
  });

  it("turns sharp's operation cache off when created", async () => {
    await createResize({ width: 10 });
    const cache = sharp.cache();
    expect([cache.memory.max, cache.files.max, cache.items.max]).toEqual([0, 0, 0]);
  });
});

describe("resize transform on a stream", () => {
  it("fails only the corrupt frame in the middle of a stream, naming participant, type and seq", async () => {
    const transform = await createResize({ width: 160, format: "jpeg" }, "thumbs");
    const png = await quadrantPng({ width: 480, height: 360 });
    const outcomes: (VideoFrame | unknown)[] = [];
    for (let seq = 0; seq < 5; seq += 1) {
      const frame = seq === 2 ? await truncatedFrame(seq) : await frameOf(png, { seq });
      outcomes.push(await processFrame(transform, frame).catch((error: unknown) => error));
    }
    const failure = outcomes[2];
    expect(FramepipeError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({
      code: "TRANSFORM_FAILED",
      stage: "transform",
      component: "transform:resize#thumbs",
    });
    const message = (failure as Error).message;
    expect(message).toMatch(/^\[framepipe\] \[transform:resize#thumbs\] /);
    expect(message).toContain("participant 100 webcam seq 2");
    expect(message).toContain("480×360");
    expect((failure as Error).cause).toBeInstanceOf(Error);
    const others = outcomes.filter((_, index) => index !== 2) as VideoFrame[];
    expect(others.map((frame) => [frame.seq, frame.image.format, frame.image.width, frame.image.height])).toEqual([
      [0, "jpeg", 160, 120],
      [1, "jpeg", 160, 120],
      [3, "jpeg", 160, 120],
      [4, "jpeg", 160, 120],
    ]);
  });

  it("rejects garbage that is not an image at all", async () => {
    const transform = await createResize({ width: 160 });
    const garbage = createTestFrame({
      seq: 7,
      type: "screenshare",
      image: { data: Buffer.from("definitely not a png"), format: "png", width: 1280, height: 720 },
    });
    await expect(processFrame(transform, garbage)).rejects.toThrow(
      /participant 100 screenshare seq 7: could not resize/,
    );
  });

  it("gives each of many concurrent calls the output of its own input", async () => {
    const transform = await createResize({ width: 100, format: "jpeg" });
    // Every input has its own aspect ratio, so a mixed-up output has the wrong height.
    const inputs = await Promise.all(
      Array.from({ length: 12 }, async (_, index) =>
        frameOf(await quadrantPng({ width: 200 + index * 40, height: 150 + (index % 5) * 30 }), {
          participant: { id: 100 + (index % 3) },
          seq: index,
        }),
      ),
    );
    const outputs = await Promise.all(inputs.map((frame) => processFrame(transform, frame)));
    outputs.forEach((output, index) => {
      const input = inputs[index] as VideoFrame;
      expect([output.participant.id, output.seq]).toEqual([input.participant.id, input.seq]);
      expect(output.image.width).toBe(100);
      expect(output.image.height).toBe(Math.round((input.image.height * 100) / input.image.width));
    });
  });
});

/** A logger that records error messages (the runtime logs each failed frame once). */
function recordingLogger(errors: string[]): Logger {
  const ignore = (() => {}) as LogFunction;
  const error = ((objectOrMessage: Record<string, unknown> | string, message?: string) => {
    const fields = typeof objectOrMessage === "string" ? {} : objectOrMessage;
    errors.push([typeof objectOrMessage === "string" ? objectOrMessage : message, JSON.stringify(fields)].join(" "));
  }) as LogFunction;
  const logger: Logger = {
    trace: ignore,
    debug: ignore,
    info: ignore,
    warn: error,
    error,
    fatal: error,
    child: () => logger,
  };
  return logger;
}

describe("resize transform in a pipeline", () => {
  it("drops a corrupt frame per onError, keeps the stream flowing and in order", async () => {
    const png = await renderFrame({ participantId: 100, counter: 1 });
    const frames = await Promise.all(
      Array.from({ length: 6 }, async (_, seq) => (seq === 3 ? truncatedFrame(seq) : frameOf(png, { seq }))),
    );
    const source = createMemorySource(frames);
    const sink = createCollectSink();
    const loaded = await validatePipelineConfig(
      {
        version: 1,
        sources: { recall: { type: "memory" } },
        transforms: {
          thumbs: { type: "resize", inputs: ["recall"], width: 320, height: 180, fit: "cover", format: "jpeg" },
        },
        sinks: { out: { type: "collect", inputs: ["thumbs"] } },
        runtime: { concurrency: 4 },
      },
      { plugins: [resizeTransform, source.definition, sink.definition] },
    );
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const errors: string[] = [];
    const pipeline = await createPipeline(loaded.config, { logger: recordingLogger(errors) });
    await pipeline.start();
    const summary = await pipeline.done;

    expect(sink.frames.map((frame) => frame.seq)).toEqual([0, 1, 2, 4, 5]);
    for (const frame of sink.frames) expect(frame.image).toMatchObject({ format: "jpeg", width: 320, height: 180 });
    expect(summary.errors).toBe(1);
    expect(errors.join("\n")).toContain("participant 100 webcam seq 3");
  });
});
