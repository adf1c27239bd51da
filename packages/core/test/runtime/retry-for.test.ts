import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { markTransient } from "../../src/errors/framepipe-error.js";
import type { VideoFrame } from "../../src/model/video-frame.js";
import { defineSink } from "../../src/plugin/define-plugin.js";
import type { Clock } from "../../src/runtime/clock.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { nextRetryDelay, RETRY_MAX_ATTEMPTS, RETRY_MAX_DELAY_MS, retryDelay } from "../../src/runtime/retry.js";
import { component, pipelineConfig } from "./support/config.js";
import { settle, until } from "./support/deferred.js";
import { InstantClock, ManualClock } from "./support/manual-clock.js";
import { collectSink, mapTransform, memorySource } from "./support/plugins.js";

/** A disk that can be filled and freed: writes fail with a transient ENOSPC while it is full. */
function diskSink(retryFor: number) {
  const state = { full: true, attempts: 0, attemptsBySeq: new Map<number, number>(), written: [] as number[] };
  const definition = defineSink({
    type: "disk",
    summary: "test sink with a disk that fills up",
    options: z.strictObject({}),
    create: () => ({
      retryFor,
      write(frame: VideoFrame) {
        state.attempts += 1;
        state.attemptsBySeq.set(frame.seq, (state.attemptsBySeq.get(frame.seq) ?? 0) + 1);
        if (state.full) {
          throw markTransient(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }));
        }
        state.written.push(frame.seq);
      },
    }),
  });
  return { definition, state };
}

async function start(
  sink: ReturnType<typeof diskSink>,
  clock: Clock,
  options: { queue?: number; onError?: "drop" | "dead-letter"; baseDir?: string } = {},
) {
  const source = memorySource();
  const pipeline = await createPipeline(
    pipelineConfig({
      sources: [component("src", source.definition)],
      sinks: [component("disk", sink.definition, ["src"], { onError: options.onError ?? "drop" })],
      runtime: { queue: options.queue ?? 64 },
      ...(options.baseDir ? { baseDir: options.baseDir } : {}),
    }),
    { clock },
  );
  await pipeline.start();
  return { source, pipeline };
}

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

describe("nextRetryDelay", () => {
  const half = () => 0.5;

  it("without retryFor, stops after five attempts in all", () => {
    for (let failures = 1; failures < RETRY_MAX_ATTEMPTS; failures += 1) {
      expect(nextRetryDelay(failures, 0, 0, half)).toBe(retryDelay(failures, half));
    }
    expect(nextRetryDelay(RETRY_MAX_ATTEMPTS, 0, 0, half)).toBeNull();
  });

  it("with retryFor, goes on until it has passed, the last wait ending at it", () => {
    expect(nextRetryDelay(40, 1_000, 60_000, half)).toBe(Math.round(RETRY_MAX_DELAY_MS * 0.75));
    expect(nextRetryDelay(40, 59_000, 60_000, half)).toBe(1_000);
    expect(nextRetryDelay(40, 60_000, 60_000, half)).toBeNull();
    expect(nextRetryDelay(1, 60_000, 60_000, half)).toBeNull();
  });
});

describe("a sink's retryFor", () => {
  it("keeps retrying a transient failure past five attempts until it clears, losing nothing", async () => {
    const sink = diskSink(10 * 60_000);
    const clock = new InstantClock();
    const { source, pipeline } = await start(sink, clock);
    source.handle.frames(1);
    await until(() => sink.state.attempts >= 3 * RETRY_MAX_ATTEMPTS);
    sink.state.full = false;
    const summary = await pipeline.stop();
    expect(sink.state.written).toEqual([0]);
    expect(summary.dropped).toEqual({});
    expect(summary.failures).toEqual([]);
  });

  it("gives up once retryFor has passed, and counts the loss with its reason", async () => {
    const sink = diskSink(30_000);
    const clock = new InstantClock();
    const { source, pipeline } = await start(sink, clock);
    source.handle.frames(1);
    const summary = await pipeline.stop();
    expect(sink.state.attempts).toBeGreaterThan(RETRY_MAX_ATTEMPTS);
    // Every backoff of that frame together spans retryFor exactly: the last attempt is made at its end.
    expect(clock.delays.reduce((sum, delay) => sum + delay, 0)).toBe(30_000);
    expect(summary.dropped).toEqual({ error: 1 });
    expect(summary.failures).toEqual([
      {
        component: "disk",
        label: "sink:disk#disk",
        reason: "no space left on device (ENOSPC)",
        lost: 1,
        deadLettered: 0,
      },
    ]);
    expect(summary.deadLetterDirectory).toBeNull();
  });

  it("counts from the sink's first failure: past retryFor, frames fail at once until a write succeeds", async () => {
    const sink = diskSink(30_000);
    const { source, pipeline } = await start(sink, new InstantClock());
    source.handle.frames(3);
    await until(() => pipeline.stats().dropped.error === 3);
    expect(sink.state.attemptsBySeq.get(0)).toBeGreaterThan(RETRY_MAX_ATTEMPTS);
    // A disk nobody fixes costs the frames that arrive, not another retryFor each.
    expect([sink.state.attemptsBySeq.get(1), sink.state.attemptsBySeq.get(2)]).toEqual([1, 1]);

    sink.state.full = false;
    source.handle.frames(1);
    await until(() => sink.state.written.length === 1);
    // A success ends the failure: the next one is retried for retryFor again.
    sink.state.full = true;
    source.handle.frames(1);
    await until(() => pipeline.stats().dropped.error === 4);
    expect(sink.state.attemptsBySeq.get(4)).toBeGreaterThan(RETRY_MAX_ATTEMPTS);
    await pipeline.stop();
  });

  it("a forced stop during the retries reports the frame as unwritten, not as failed", async () => {
    const sink = diskSink(10 * 60_000);
    const { source, pipeline } = await start(sink, new ManualClock());
    source.handle.frames(1);
    await until(() => pipeline.stats().failing.length === 1);
    void pipeline.stop();
    const summary = await pipeline.stop();
    expect(summary).toMatchObject({ unwritten: 1, failures: [], drained: false });
    // The retry cut short by the stop does not count the frame a second time.
    // The abort wakes the backoff; a few turns let the step finish before nothing more is expected.
    await settle(20);
    expect(sink.state.attempts).toBe(1);
    expect(pipeline.stats().dropped.error).toBeUndefined();
  });

  it("counts dead-lettered frames apart from lost ones, and says where they went", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "framepipe-retry-for-"));
    folders.push(folder);
    const sink = diskSink(0);
    const { source, pipeline } = await start(sink, new InstantClock(), { onError: "dead-letter", baseDir: folder });
    source.handle.frames(2);
    const summary = await pipeline.stop();
    expect(summary.failures).toEqual([
      {
        component: "disk",
        label: "sink:disk#disk",
        reason: "no space left on device (ENOSPC)",
        lost: 0,
        deadLettered: 2,
      },
    ]);
    expect(summary.deadLetterDirectory).toBe(path.join(folder, "dead-letter"));
  });

  it("holds the sources back under block while it retries, then writes every frame once the disk is freed", async () => {
    const sink = diskSink(10 * 60_000);
    const clock = new ManualClock();
    const { source, pipeline } = await start(sink, clock, { queue: 4 });
    source.handle.frames(20);
    await until(() => source.handle.paused);
    // Far more than five attempts' worth of backoff: the old limit would have dropped the frame by now.
    for (let step = 0; step < 12; step += 1) {
      clock.advance(RETRY_MAX_DELAY_MS);
      await until(() => pipeline.stats().failing[0]?.failedAttempts === step + 2);
    }
    expect(sink.state.written).toEqual([]);
    expect(pipeline.stats().dropped).toEqual({});
    expect(source.handle.paused).toBe(true);
    expect(source.handle.buffered).toBeGreaterThan(0);

    sink.state.full = false;
    clock.advance(RETRY_MAX_DELAY_MS);
    await until(() => sink.state.written.length === 20);
    expect(sink.state.written).toEqual([...Array(20).keys()]);
    const summary = await pipeline.stop();
    expect(summary.dropped).toEqual({});
    expect(summary.failures).toEqual([]);
  });
});

describe("a sink instance's retryFor", () => {
  it("must be a number of milliseconds, 0 or more", async () => {
    const definition = defineSink({
      type: "odd",
      summary: "test sink with a negative retryFor",
      options: z.strictObject({}),
      create: () => ({ retryFor: -1, write() {} }),
    });
    const source = memorySource();
    const creating = createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("odd", definition, ["src"])],
      }),
    );
    await expect(creating).rejects.toMatchObject({
      code: "PLUGIN_INVALID",
      message: expect.stringContaining("retryFor"),
    });
  });
});

describe("failing sinks", () => {
  it("are named in stats() from the first failed write until a write succeeds", async () => {
    const sink = diskSink(10 * 60_000);
    const clock = new ManualClock();
    const { source, pipeline } = await start(sink, clock);
    expect(pipeline.stats().failing).toEqual([]);
    source.handle.frames(1);
    await until(() => pipeline.stats().failing.length === 1);
    const [failing] = pipeline.stats().failing;
    expect(failing).toMatchObject({
      component: "disk",
      label: "sink:disk#disk",
      reason: "no space left on device (ENOSPC)",
      error: "ENOSPC: no space left on device, write",
      failedAttempts: 1,
    });
    expect(Number.isNaN(Date.parse(failing?.since ?? ""))).toBe(false);

    sink.state.full = false;
    clock.advance(RETRY_MAX_DELAY_MS);
    await until(() => sink.state.written.length === 1);
    expect(pipeline.stats().failing).toEqual([]);
    await pipeline.stop();
  });
});

describe("a forced stop while a transform retries", () => {
  it("reports the frame as unwritten, not as failed, and writes no dead letter", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "framepipe-retry-transform-"));
    folders.push(folder);
    let attempts = 0;
    const flaky = mapTransform(() => {
      attempts += 1;
      throw markTransient(new Error("model server busy"));
    });
    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        transforms: [component("work", flaky, ["src"], { onError: "dead-letter" })],
        sinks: [component("out", sink.definition, ["work"])],
        baseDir: folder,
      }),
      { clock: new ManualClock() },
    );
    await pipeline.start();
    source.handle.frames(1);
    // The first attempt failed; the backoff before the second waits on a clock that never moves.
    await until(() => attempts === 1);
    void pipeline.stop();
    const summary = await pipeline.stop();
    expect(summary).toMatchObject({ unwritten: 1, failures: [], drained: false });
    await settle(20);
    expect(attempts).toBe(1);
    expect(pipeline.stats().dropped.error).toBeUndefined();
    expect(pipeline.stats().errors).toBe(0);
  });
});
