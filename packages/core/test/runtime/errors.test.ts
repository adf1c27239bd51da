import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FramepipeError, markTransient } from "../../src/errors/framepipe-error.js";
import type { VideoFrame } from "../../src/model/video-frame.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { RETRY_BASE_DELAY_MS, RETRY_MAX_ATTEMPTS, RETRY_MAX_DELAY_MS, retryDelay } from "../../src/runtime/retry.js";
import { component, pipelineConfig } from "./support/config.js";
import { until } from "./support/deferred.js";
import { imageBytes } from "./support/events.js";
import { InstantClock } from "./support/manual-clock.js";
import { collectSink, mapTransform, memorySource } from "./support/plugins.js";
import { recordingLogger } from "./support/recording-logger.js";

/** A sink whose write fails for the frames `fails` picks, `failures` times each (Infinity: always). */
function flakySink(fails: (frame: VideoFrame) => boolean, failures: number, transient: boolean) {
  const attempts = new Map<number, number>();
  const sink = collectSink({
    write(frame) {
      if (!fails(frame)) return;
      const attempt = (attempts.get(frame.seq) ?? 0) + 1;
      attempts.set(frame.seq, attempt);
      if (attempt > failures) return;
      const error = new Error(`disk hiccup on ${frame.seq}`);
      throw transient ? markTransient(error) : error;
    },
  });
  return { sink, attempts };
}

async function run(
  sinkDefinition: ReturnType<typeof collectSink>["definition"],
  extra: { onError?: "drop" | "dead-letter" | "fail"; deadLetterDir?: string | null; baseDir?: string } = {},
) {
  const clock = new InstantClock();
  const logger = recordingLogger();
  const source = memorySource();
  const pipeline = await createPipeline(
    pipelineConfig({
      sources: [component("src", source.definition)],
      sinks: [component("out", sinkDefinition, ["src"], { onError: extra.onError ?? "drop" })],
      runtime: { deadLetterDir: extra.deadLetterDir ?? null },
      ...(extra.baseDir ? { baseDir: extra.baseDir } : {}),
    }),
    { clock, logger },
  );
  await pipeline.start();
  return { clock, logger, source, pipeline };
}

const temporaryDirectories: string[] = [];
afterEach(async () => {
  for (const directory of temporaryDirectories.splice(0)) await rm(directory, { recursive: true, force: true });
});

describe("retries", () => {
  it("backs off exponentially with jitter, capped", () => {
    expect(retryDelay(1, () => 0)).toBe(RETRY_BASE_DELAY_MS / 2);
    expect(retryDelay(1, () => 1)).toBe(RETRY_BASE_DELAY_MS);
    expect(retryDelay(3, () => 1)).toBe(RETRY_BASE_DELAY_MS * 4);
    expect(retryDelay(30, () => 1)).toBe(RETRY_MAX_DELAY_MS);
    expect(retryDelay(30, () => 0)).toBe(RETRY_MAX_DELAY_MS / 2);
  });

  it("retries a transient write failure until it succeeds, keeping the stream's order", async () => {
    const { sink, attempts } = flakySink((frame) => frame.seq === 1, 2, true);
    const { clock, source, pipeline } = await run(sink.definition);
    source.handle.frames(3);
    const summary = await pipeline.stop();
    expect(attempts.get(1)).toBe(3);
    expect(sink.handle.frames.map((frame) => frame.seq)).toEqual([0, 1, 2]);
    expect(summary.errors).toBe(0);
    expect(summary.dropped).toEqual({});
    expect(clock.delays).toHaveLength(2);
    const [first, second] = clock.delays;
    expect(first).toBeGreaterThanOrEqual(RETRY_BASE_DELAY_MS / 2);
    expect(first).toBeLessThanOrEqual(RETRY_BASE_DELAY_MS);
    expect(second).toBeGreaterThanOrEqual(RETRY_BASE_DELAY_MS);
    expect(second).toBeLessThanOrEqual(RETRY_BASE_DELAY_MS * 2);
  });

  it("does not retry an error that is not transient", async () => {
    const { sink, attempts } = flakySink((frame) => frame.seq === 0, 1, false);
    const { source, pipeline } = await run(sink.definition);
    source.handle.frames(2);
    const summary = await pipeline.stop();
    expect(attempts.get(0)).toBe(1);
    expect(summary.dropped).toEqual({ error: 1 });
    expect(summary.written).toEqual({ out: 1 });
  });
});

describe("onError", () => {
  it("drop: counts the frame, logs it once with context, keeps running", async () => {
    const { sink, attempts } = flakySink((frame) => frame.seq === 1, Number.POSITIVE_INFINITY, true);
    const { source, pipeline, logger } = await run(sink.definition);
    source.handle.frames(3, { participantId: 7, type: "screenshare" });
    const summary = await pipeline.stop();
    expect(attempts.get(1)).toBe(RETRY_MAX_ATTEMPTS);
    expect(sink.handle.frames.map((frame) => frame.seq)).toEqual([0, 2]);
    expect(summary.dropped).toEqual({ error: 1 });
    expect(summary.errors).toBe(1);
    expect(pipeline.stats().components.out?.errors).toEqual({ write: 1 });
    const errors = logger.lines.filter((line) => line.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.object).toMatchObject({
      component: "sink:collect#out",
      stage: "write",
      recordingId: "rec-1",
      participantId: 7,
      type: "screenshare",
      seq: 1,
      attempts: RETRY_MAX_ATTEMPTS,
    });
    expect(errors[0]?.message).toBe("[framepipe] [sink:collect#out] write failed: disk hiccup on 1");
    expect(JSON.stringify(errors[0])).not.toContain(imageBytes(8).toString("base64"));
  });

  it("dead-letter: writes a Recall-format record line and the image file", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "framepipe-dead-letter-"));
    temporaryDirectories.push(directory);
    const { sink } = flakySink((frame) => frame.seq === 0, Number.POSITIVE_INFINITY, false);
    const { source, pipeline } = await run(sink.definition, { onError: "dead-letter", baseDir: directory });
    source.handle.frames(1, { recordingId: "../../etc/passwd", participantId: 3, name: "Ada", bytes: 32 });
    source.handle.frames(1, { recordingId: "../../etc/passwd", participantId: 3, name: "Ada", bytes: 32 });
    const summary = await pipeline.stop();
    expect(summary.dropped).toEqual({ "dead-letter": 1 });
    expect(summary.written).toEqual({ out: 1 });

    const deadLetters = path.join(directory, "dead-letter");
    const lines = (await readFile(path.join(deadLetters, "out.ndjson"), "utf8")).trim().split("\n");
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!);
    expect(record.event).toBe("video_separate_png.data");
    expect(record.data.recording).toEqual({ id: "../../etc/passwd", metadata: { team: "a" } });
    expect(record.data.bot).toEqual({ id: "bot-1", metadata: {} });
    expect(record.data.video_separate).toEqual({ id: "video-1", metadata: {} });
    expect(record.data.realtime_endpoint).toEqual({ id: "endpoint-1", metadata: {} });
    expect(record.data.data.type).toBe("webcam");
    expect(record.data.data.participant).toEqual({
      id: 3,
      name: "Ada",
      is_host: false,
      platform: "desktop",
      extra_data: {},
      email: null,
    });
    expect(record.data.data.timestamp).toEqual({ relative: 0, absolute: "2026-01-01T00:00:00.000Z" });
    expect(Buffer.from(record.data.data.buffer, "base64").equals(imageBytes(32))).toBe(true);
    expect(record.error).toEqual({ component: "sink:collect#out", stage: "write", message: "disk hiccup on 0" });
    expect(record.framepipe.seq).toBe(0);
    expect(record.framepipe.image.file).toBe("out/.._.._etc_passwd_3_webcam_000000.png");
    const image = await readFile(path.join(deadLetters, record.framepipe.image.file));
    expect(image.equals(imageBytes(32))).toBe(true);
  });

  it("dead-letter: honours runtime.deadLetterDir", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "framepipe-dead-letter-"));
    temporaryDirectories.push(directory);
    const { sink } = flakySink(() => true, Number.POSITIVE_INFINITY, false);
    const { source, pipeline } = await run(sink.definition, {
      onError: "dead-letter",
      baseDir: directory,
      deadLetterDir: "failed/frames",
    });
    source.handle.frames(2);
    await pipeline.stop();
    const lines = (await readFile(path.join(directory, "failed/frames/out.ndjson"), "utf8")).trim().split("\n");
    expect(lines.map((line) => JSON.parse(line).framepipe.seq).sort()).toEqual([0, 1]);
  });

  it("fail: stops the pipeline, done rejecting with a FramepipeError naming component and stage", async () => {
    const { sink } = flakySink((frame) => frame.seq === 1, Number.POSITIVE_INFINITY, false);
    const { source, pipeline } = await run(sink.definition, { onError: "fail" });
    source.handle.frames(3);
    const failure = await pipeline.done.then(
      () => null,
      (error: unknown) => error,
    );
    expect(FramepipeError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ code: "SINK_WRITE_FAILED", component: "sink:collect#out", stage: "write" });
    expect((failure as Error).message).toBe("[framepipe] [sink:collect#out] write failed: disk hiccup on 1");
    expect(pipeline.state).toBe("failed");
    expect(source.handle.calls).toContain("stop");
    expect(sink.handle.calls).toContain("close");
    expect(sink.handle.context?.signal.aborted).toBe(true);
    await expect(pipeline.stop()).rejects.toBe(failure);
  });

  it("wraps a transform's error with its component and the transform stage", async () => {
    const logger = recordingLogger();
    const source = memorySource();
    const sink = collectSink();
    const exploding = mapTransform((frame) => {
      if (frame.seq === 0) throw new RangeError("bad pixel");
      return frame;
    });
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("boom", exploding, ["src"], { onError: "fail" })],
        sinks: [component("out", sink.definition, ["boom"])],
      }),
      { logger },
    );
    await pipeline.start();
    source.handle.frames(1);
    await expect(pipeline.done).rejects.toMatchObject({
      code: "TRANSFORM_FAILED",
      component: "transform:map#boom",
      stage: "transform",
      message: "[framepipe] [transform:map#boom] transform failed: bad pixel",
    });
    const failure = await pipeline.done.then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure?.cause).toBeInstanceOf(RangeError);
  });

  it("treats a transform returning undefined as an error, and null as filtered", async () => {
    const source = memorySource();
    const sink = collectSink();
    const sloppy = mapTransform((frame) => (frame.seq === 0 ? (undefined as never) : frame.seq === 1 ? null : frame));
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("sloppy", sloppy, ["src"])],
        sinks: [component("out", sink.definition, ["sloppy"])],
      }),
    );
    await pipeline.start();
    source.handle.frames(3);
    const summary = await pipeline.stop();
    expect(summary.dropped).toEqual({ error: 1, filtered: 1 });
    expect(pipeline.stats().components.sloppy?.errors).toEqual({ transform: 1 });
    expect(sink.handle.frames.map((frame) => frame.seq)).toEqual([2]);
  });

  it("logs at most a limited number of failed frames per component, then a count", async () => {
    const { sink } = flakySink(() => true, Number.POSITIVE_INFINITY, false);
    const { source, pipeline, logger } = await run(sink.definition);
    source.handle.frames(25);
    await until(() => pipeline.stats().dropped.error === 25);
    await pipeline.stop();
    expect(logger.lines.filter((line) => line.level === "error")).toHaveLength(10);
    const summaryLine = logger.lines.find((line) => line.level === "warn" && line.object.suppressed !== undefined);
    expect(summaryLine?.object).toMatchObject({ component: "sink:collect#out", suppressed: 15 });
  });
});
