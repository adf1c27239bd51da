import {
  createPipeline,
  dedupeTransform,
  isPluginDefinition,
  pluginDefinitionsFromModule,
  type TransformInstance,
  type VideoFrame,
  validatePipelineConfig,
} from "@framepipe/core";
import {
  createCollectSink,
  createMemorySource,
  createStreamControls,
  createTestContext,
  createTestFrame,
  transformContract,
} from "@framepipe/testing";
import { from, lastValueFrom, toArray } from "rxjs";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import * as packageExports from "../src/index.js";
import { type DedupeSimilarOptionsInput, dedupeSimilarOptionsSchema, dedupeSimilarTransform } from "../src/index.js";
import {
  hashBitsImageSize,
  hashBitsPng,
  renderSimilarImages,
  type SimilarImages,
  similarImageSize,
} from "./support/similar-images.js";

transformContract({
  it,
  describe,
  expect,
  definition: dedupeSimilarTransform,
  validOptions: { tolerance: 4 },
  name: "transform contract (dedupe-similar)",
});

function framesWith(images: readonly Buffer[], size: { width: number; height: number } = similarImageSize) {
  return images.map((data, seq) => createTestFrame({ seq, image: { data, format: "png", ...size } }));
}

async function runStream(instance: TransformInstance, frames: readonly VideoFrame[]) {
  if (instance.stream === undefined) throw new Error("expected a per-stream transform");
  const controls = createStreamControls();
  const first = frames[0];
  const info = {
    key: "stream",
    groupKey: "group",
    recordingId: first?.recording.id ?? "recording",
    participantId: first?.participant.id ?? 0,
    type: first?.type ?? "webcam",
  } as const;
  const outputs = await lastValueFrom(from(frames).pipe(instance.stream(info, controls), toArray()));
  return { kept: outputs.map((frame) => frame.seq), outputs, reportedDrops: controls.reportedDrops };
}

async function create(options: DedupeSimilarOptionsInput = {}): Promise<TransformInstance> {
  return dedupeSimilarTransform.create(
    dedupeSimilarOptionsSchema.parse(options),
    createTestContext({ kind: "transform", type: "dedupe-similar", componentId: "changes" }),
  );
}

async function kept(options: DedupeSimilarOptionsInput, frames: readonly VideoFrame[]): Promise<number[]> {
  return (await runStream(await create(options), frames)).kept;
}

describe("dedupe-similar transform definition", () => {
  it("is a transform typed dedupe-similar, listed in the package's plugins beside resize", () => {
    expect(isPluginDefinition(dedupeSimilarTransform)).toBe(true);
    expect(dedupeSimilarTransform).toMatchObject({ kind: "transform", type: "dedupe-similar" });
    expect(pluginDefinitionsFromModule(packageExports)?.map((definition) => definition.type)).toEqual([
      "resize",
      "dedupe-similar",
    ]);
  });

  it("validates its options and describes each one", () => {
    expect(dedupeSimilarOptionsSchema.parse({})).toEqual({ tolerance: 4 });
    expect(dedupeSimilarOptionsSchema.safeParse({ tolerance: 65 }).success).toBe(false);
    expect(dedupeSimilarOptionsSchema.safeParse({ tolerance: -1 }).success).toBe(false);
    expect(dedupeSimilarOptionsSchema.safeParse({ tolerance: 1.5 }).success).toBe(false);
    expect(dedupeSimilarOptionsSchema.safeParse({ maxSkip: 0 }).success).toBe(false);
    expect(dedupeSimilarOptionsSchema.safeParse({ treshold: 3 }).error?.issues[0]?.code).toBe("unrecognized_keys");
    const schema = z.toJSONSchema(dedupeSimilarOptionsSchema, { io: "input" }) as {
      properties: Record<string, { description?: string }>;
    };
    expect(Object.keys(schema.properties).sort()).toEqual(["maxSkip", "tolerance"]);
    for (const [key, property] of Object.entries(schema.properties)) {
      expect(property.description, key).toBeTruthy();
    }
  });
});

describe("dedupe-similar transform on a stream", () => {
  let images: SimilarImages;
  beforeAll(async () => {
    images = await renderSimilarImages();
  });

  it("skips a re-encoded or slightly noisy image and keeps a different one", async () => {
    const { gradient, gradientRecompressed, gradientNoisy, inverted } = images;
    expect(gradientRecompressed.equals(gradient)).toBe(false);
    expect(gradientNoisy.equals(gradient)).toBe(false);
    const frames = framesWith([gradient, gradientRecompressed, gradientNoisy, inverted, inverted, gradient]);
    expect(await kept({ tolerance: 4 }, frames)).toEqual([0, 3, 5]);
    // Core's exact dedupe, on the same frames, skips only the byte-identical repeat.
    const exact = await dedupeTransform.create(dedupeTransform.options.parse({}), createTestContext());
    expect((await runStream(exact, frames)).kept).toEqual([0, 1, 2, 3, 5]);
  });

  it("skips a frame at most tolerance bits from the last kept one, and keeps one a bit further", async () => {
    const [none, two, three] = await Promise.all([hashBitsPng(0), hashBitsPng(2), hashBitsPng(3)]);
    const frames = framesWith([none, two, three, none], hashBitsImageSize);
    expect(await kept({ tolerance: 2 }, frames)).toEqual([0, 2, 3]);
    expect(await kept({ tolerance: 3 }, frames)).toEqual([0]);
    expect(await kept({ tolerance: 0 }, frames)).toEqual([0, 1, 2, 3]);
  });

  it("honours maxSkip", async () => {
    const { gradient, gradientNoisy, gradientRecompressed } = images;
    const frames = framesWith([gradient, gradientNoisy, gradientRecompressed, gradientNoisy, gradient]);
    expect(await kept({ tolerance: 4, maxSkip: 2 }, frames)).toEqual([0, 3]);
  });

  it("reports every skipped frame to the runtime as it skips it", async () => {
    const { gradient, gradientNoisy, inverted } = images;
    const run = await runStream(
      await create({ tolerance: 4 }),
      framesWith([gradient, gradientNoisy, inverted, inverted]),
    );
    expect(run.kept).toEqual([0, 2]);
    expect(run.reportedDrops).toBe(2);
  });

  it("keeps separate state per stream subscription, and passes kept frames through unchanged", async () => {
    const instance = await create({ tolerance: 4 });
    const first = framesWith([images.gradient, images.gradientNoisy]);
    const firstRun = await runStream(instance, first);
    expect(firstRun.kept).toEqual([0]);
    expect(firstRun.outputs[0]).toBe(first[0]);
    // A new stream starts with nothing to compare with: its first frame is kept.
    expect((await runStream(instance, framesWith([images.gradientRecompressed]))).kept).toEqual([0]);
  });
});

describe("dedupe-similar transform in a pipeline", () => {
  it("drops similar frames as filtered, per participant", async () => {
    const images = await renderSimilarImages();
    const sequence = [images.gradient, images.gradientNoisy, images.inverted, images.gradientRecompressed];
    const frames = [100, 200].flatMap((participantId) =>
      sequence.map((data, seq) =>
        createTestFrame({
          seq,
          participant: { id: participantId },
          image: { data, format: "png", ...similarImageSize },
        }),
      ),
    );
    const source = createMemorySource(frames);
    const sink = createCollectSink();
    const loaded = await validatePipelineConfig(
      {
        version: 1,
        sources: { recall: { type: "memory" } },
        transforms: { changes: { type: "dedupe-similar", inputs: ["recall"], tolerance: 6 } },
        sinks: { out: { type: "collect", inputs: ["changes"] } },
      },
      { plugins: [dedupeSimilarTransform, source.definition, sink.definition] },
    );
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const pipeline = await createPipeline(loaded.config);
    await pipeline.start();
    const summary = await pipeline.done;

    for (const participantId of [100, 200]) {
      const written = sink.frames.filter((frame) => frame.participant.id === participantId);
      expect(written.map((frame) => frame.seq)).toEqual([0, 2, 3]);
    }
    expect(summary.dropped).toEqual({ filtered: 2 });
  });
});
