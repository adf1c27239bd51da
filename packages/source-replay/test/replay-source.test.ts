import { randomBytes } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FramepipeError, type RecallEvent, type VideoFrame, withImage } from "@framepipe/core";
import {
  createRecordingContext,
  createTestContext,
  createTestPng,
  createTestStream,
  padPng,
  participantEventMessage,
  pngClaimingSize,
  pngWithCorruptCrc,
  transcriptMessage,
  videoFrameMessage,
} from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { createReplaySource, type ReplaySourceOptionsInput, replaySourceOptions } from "../src/index.js";
import { FakeClock } from "./support/fake-clock.js";
import { paceFrames, recordingText, writeRecording } from "./support/recordings.js";
import { tempDir } from "./support/temp-dir.js";

function replay(
  options: ReplaySourceOptionsInput,
  dependencies: { clock?: FakeClock } = {},
  context = createTestContext({ kind: "source" }),
) {
  return createReplaySource(replaySourceOptions.parse(options), context, dependencies);
}

/** Subscribes and collects every event; `onEvent` runs inside next(), as the runtime's pause would. */
function collect(source: ReturnType<typeof replay>, onEvent?: (event: RecallEvent, count: number) => void) {
  const events: RecallEvent[] = [];
  const done = new Promise<void>((resolve, reject) => {
    source.events$.subscribe({
      next: (event) => {
        events.push(event);
        onEvent?.(event, events.length);
      },
      error: reject,
      complete: resolve,
    });
  });
  return { events, done };
}

function framesOf(events: readonly RecallEvent[]): Omit<VideoFrame, "seq">[] {
  return events.flatMap((event) => (event.kind === "video-frame" ? [event.frame] : []));
}

describe("replay source: reading", () => {
  it("emits every frame of a file in file order and completes", async () => {
    const dir = await tempDir();
    const frames = createTestStream({ participants: 2, types: ["webcam", "screenshare"], frames: 3 });
    await writeRecording(join(dir, "rec.ndjson"), frames);
    const source = replay({ files: join(dir, "rec.ndjson"), speed: "max" });
    await source.start?.();
    const { events, done } = collect(source);
    await done;
    expect(framesOf(events).map((frame) => [frame.participant.id, frame.type, frame.timestamp.relative])).toEqual(
      frames.map((frame) => [frame.participant.id, frame.type, frame.timestamp.relative]),
    );
    const summary = await source.finished;
    expect(summary).toMatchObject({ passes: 1, lines: frames.length, frames: frames.length, stopped: false });
  });

  it("reads a folder's *.ndjson and *.ndjson.gz files sorted by name, one after the other at max speed", async () => {
    const dir = await tempDir();
    const first = createTestStream({ participants: 1, frames: 3, base: { recording: { id: "first" } } });
    const second = createTestStream({ participants: 1, frames: 3, base: { recording: { id: "second" } } });
    await writeRecording(join(dir, "b.ndjson"), second);
    await writeRecording(join(dir, "a.ndjson.gz"), first, true);
    await writeFile(join(dir, "notes.txt"), "not a recording");
    await mkdir(join(dir, "nested.ndjson"));
    const source = replay({ files: dir, speed: "max" });
    await source.start?.();
    const { events, done } = collect(source);
    await done;
    expect(framesOf(events).map((frame) => frame.recording.id)).toEqual([
      "first",
      "first",
      "first",
      "second",
      "second",
      "second",
    ]);
    expect((await source.finished).files.map((file) => file.path)).toEqual([
      join(dir, "a.ndjson.gz"),
      join(dir, "b.ndjson"),
    ]);
  });

  it("recognises gzip by content, whatever the file is called", async () => {
    const dir = await tempDir();
    const frames = paceFrames(4);
    await writeRecording(join(dir, "capture.log"), frames, true);
    const source = replay({ files: [join(dir, "capture.log")], speed: "max" });
    const { events, done } = collect(source);
    await done;
    expect(framesOf(events)).toHaveLength(4);
  });

  it("fails start with SOURCE_FAILED naming every missing file and empty folder", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "empty"));
    const source = replay({ files: [join(dir, "missing.ndjson"), join(dir, "empty")] });
    const error = await Promise.resolve(source.start?.()).catch((caught: unknown) => caught);
    expect(FramepipeError.isInstance(error)).toBe(true);
    expect((error as FramepipeError).code).toBe("SOURCE_FAILED");
    expect((error as Error).message).toContain("missing.ndjson: no such file or folder");
    expect((error as Error).message).toContain("empty: no *.ndjson or *.ndjson.gz file in this folder");
    await source.stop?.();
  });

  it("counts bad lines by kind, logs each kind once per file, and delivers every good line", async () => {
    const dir = await tempDir();
    const frames = paceFrames(4);
    const [a, b, c, d] = frames.map((frame) => recordingText([frame]).trimEnd());
    const notPng = videoFrameMessage({ png: Buffer.from("GIF89a, not a png at all") });
    const badBase64 = videoFrameMessage({ base64: "%%%not base64%%%" });
    const lines = [
      a,
      "not json",
      "",
      '{"event": 42}',
      b,
      "{ truncated",
      notPng,
      participantEventMessage("join"),
      badBase64,
      c,
      transcriptMessage(),
      d,
    ];
    await writeFile(join(dir, "mixed.ndjson"), `${lines.join("\n")}\n`);
    const { context, logs } = createRecordingContext();
    const source = replay({ files: join(dir, "mixed.ndjson"), speed: "max" }, {}, context);
    const { events, done } = collect(source);
    await done;
    expect(framesOf(events).map((frame) => frame.timestamp.relative)).toEqual([0, 0.5, 1, 1.5]);
    expect(events.map((event) => event.kind)).toEqual([
      "video-frame",
      "video-frame",
      "participant",
      "video-frame",
      "transcript",
      "video-frame",
    ]);
    const summary = await source.finished;
    expect(summary.badLines).toEqual({ "invalid-json": 2, schema: 1, "not-png": 1, "invalid-base64": 1 });
    expect(summary.lines).toBe(lines.length - 1); // the blank line is not a line of content
    const warnings = logs.filter((entry) => entry.level === "warn" && entry.message?.startsWith("bad line"));
    expect(warnings.map((entry) => entry.object.kind)).toEqual(["invalid-json", "schema", "not-png", "invalid-base64"]);
    expect(warnings[0]?.object).toMatchObject({ file: expect.stringContaining("mixed.ndjson"), line: 2 });
  });

  it("skips corrupt PNGs and PNGs over maxPixels, as the websocket source refuses them", async () => {
    const dir = await tempDir();
    const [a, b] = paceFrames(2).map((frame) => recordingText([frame]).trimEnd());
    const lines = [
      a,
      videoFrameMessage({ png: pngWithCorruptCrc() }),
      videoFrameMessage({ png: pngClaimingSize(50_000, 50_000) }),
      videoFrameMessage({ png: createTestPng({ width: 33, height: 24 }) }),
      b,
    ];
    await writeFile(join(dir, "hostile.ndjson"), `${lines.join("\n")}\n`);
    const { context, logs } = createRecordingContext();
    // Every frame of paceFrames is 32×24: a 33×24 one is over this limit.
    const source = replay({ files: join(dir, "hostile.ndjson"), speed: "max", maxPixels: 32 * 24 }, {}, context);
    const { events, done } = collect(source);
    await done;
    expect(framesOf(events).map((frame) => frame.timestamp.relative)).toEqual([0, 0.5]);
    expect((await source.finished).badLines).toEqual({ "corrupt-png": 1, "too-many-pixels": 2 });
    const warnings = logs.filter((entry) => entry.level === "warn" && entry.message?.startsWith("bad line"));
    expect(warnings.map((entry) => entry.object.kind)).toEqual(["corrupt-png", "too-many-pixels"]);
  });

  it("skips a line over maxLineBytes as too-large and goes on", async () => {
    const dir = await tempDir();
    const small = paceFrames(2);
    const big = withImage(small[0]!, {
      ...small[0]!.image,
      data: Buffer.concat([small[0]!.image.data, randomBytes(4096)]),
    });
    await writeFile(join(dir, "r.ndjson"), recordingText([small[0]!, big, small[1]!]));
    const source = replay({ files: join(dir, "r.ndjson"), speed: "max", maxLineBytes: 3000 });
    const { events, done } = collect(source);
    await done;
    expect(framesOf(events)).toHaveLength(2);
    expect((await source.finished).badLines).toEqual({ "too-large": 1 });
  });

  it("a truncated gzip file delivers the frames before the cut, then reports the truncation and completes", async () => {
    const dir = await tempDir();
    const frames = paceFrames(10);
    const { createGzip, constants } = await import("node:zlib");
    // Written like the record sink writes: one sync-flushed gzip block per line.
    const gzip = createGzip({ flush: constants.Z_SYNC_FLUSH });
    const chunks: Buffer[] = [];
    gzip.on("data", (chunk: Buffer) => chunks.push(chunk));
    let cut = 0;
    for (const [index, frame] of frames.entries()) {
      await new Promise<void>((resolve) => gzip.write(recordingText([frame]), () => resolve()));
      if (index === 6) cut = Buffer.concat(chunks).length;
    }
    await new Promise<void>((resolve) => gzip.end(resolve));
    const whole = Buffer.concat(chunks);
    // Seven whole lines and a few bytes of the eighth: what a crash while writing leaves behind.
    await writeFile(join(dir, "crashed.ndjson.gz"), whole.subarray(0, cut + 10));
    const { context, logs } = createRecordingContext();
    const source = replay({ files: join(dir, "crashed.ndjson.gz"), speed: "max" }, {}, context);
    const { events, done } = collect(source);
    await done;
    expect(framesOf(events).map((frame) => frame.timestamp.relative)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    const [file] = (await source.finished).files;
    expect(file?.error?.kind).toBe("truncated");
    expect(file?.error?.message).toMatch(
      /crashed\.ndjson\.gz is truncated \(.*unexpected end of file.*\) after line 7/,
    );
    expect(logs.some((entry) => entry.level === "error" && entry.message === file?.error?.message)).toBe(true);
  });
});

describe("replay source: pace", () => {
  async function delaysAt(speed: number, frames: readonly VideoFrame[]): Promise<number[]> {
    const dir = await tempDir();
    await writeRecording(join(dir, "r.ndjson"), frames);
    const clock = new FakeClock();
    const source = replay({ files: join(dir, "r.ndjson"), speed }, { clock });
    const { events, done } = collect(source);
    await clock.runUntil(done);
    expect(framesOf(events)).toHaveLength(frames.length);
    return clock.delays;
  }

  it("waits the recorded deltas at speed 1 (2 fps: 500 ms), half as long at speed 2, twice as long at 0.5", async () => {
    const frames = paceFrames(4);
    expect(await delaysAt(1, frames)).toEqual([500, 500, 500]);
    expect(await delaysAt(2, frames)).toEqual([250, 250, 250]);
    expect(await delaysAt(0.5, frames)).toEqual([1000, 1000, 1000]);
  });

  it("emits frames with the same recorded time together (several participants interleaved)", async () => {
    const frames = createTestStream({ participants: 3, frames: 3 });
    expect(await delaysAt(1, frames)).toEqual([500, 500]);
  });

  it("shifts the schedule by the time spent paused instead of bursting afterwards", async () => {
    const dir = await tempDir();
    await writeRecording(join(dir, "r.ndjson"), paceFrames(4));
    const clock = new FakeClock();
    const source = replay({ files: join(dir, "r.ndjson"), speed: 1 }, { clock });
    const { events, done } = collect(source, (_event, count) => {
      if (count !== 2) return;
      source.pause();
      clock.advance(10_000);
      queueMicrotask(() => source.resume());
    });
    await clock.runUntil(done);
    expect(framesOf(events)).toHaveLength(4);
    expect(clock.delays).toEqual([500, 500, 500]);
  });

  it("plays several files at the same time at recorded pace (different bots), one after the other at max", async () => {
    const dir = await tempDir();
    await writeRecording(join(dir, "a.ndjson"), paceFrames(3, "bot-a"));
    await writeRecording(join(dir, "b.ndjson"), paceFrames(3, "bot-b"));
    const clock = new FakeClock();
    const source = replay({ files: dir, speed: 1 }, { clock });
    let secondEvent = (): void => {};
    const two = new Promise<void>((resolve) => {
      secondEvent = resolve;
    });
    const { events, done } = collect(source, (_event, count) => {
      if (count === 2) secondEvent();
    });
    // No timer has fired yet: played one after the other, the second file could not have started.
    await two;
    expect(clock.delays.length).toBeLessThanOrEqual(2);
    expect(new Set(framesOf(events).map((frame) => frame.recording.id))).toEqual(new Set(["bot-a", "bot-b"]));
    await clock.runUntil(done);
    expect(framesOf(events)).toHaveLength(6);
  });
});

describe("replay source: flow control and lifecycle", () => {
  it("pause stops reading the file (memory stays bounded) and resume continues to the end", async () => {
    const dir = await tempDir();
    // About 22 KB per line, 300 lines: a 6.6 MB file, far beyond the stream buffers.
    const padding = randomBytes(16 * 1024);
    const frames = paceFrames(300).map((frame) =>
      withImage(frame, { ...frame.image, data: padPng(createTestPng({ seq: frame.seq }), padding) }),
    );
    const path = join(dir, "large.ndjson");
    await writeRecording(path, frames);
    const size = (await stat(path)).size;
    const source = replay({ files: path, speed: "max" });
    await source.start?.();
    let pausedAt = -1;
    let reachedFive = (): void => {};
    const fifth = new Promise<void>((resolve) => {
      reachedFive = resolve;
    });
    const { events, done } = collect(source, (_event, count) => {
      if (count !== 5) return;
      source.pause();
      pausedAt = count;
      reachedFive();
    });
    await fifth;
    // Give a reader that ignores pause every chance to run ahead: read the whole file once meanwhile.
    await readFile(path);
    expect(events).toHaveLength(pausedAt);
    const status = source.status();
    expect(status).toMatchObject({ state: "paused", paused: true, linesRead: 5, events: 5 });
    expect(status.bytesRead).toBeLessThan(size / 10);
    source.resume();
    await done;
    expect(events).toHaveLength(300);
    expect((await source.finished).lines).toBe(300);
  });

  it("stop ends a replay early: events$ completes and finished reports stopped", async () => {
    const dir = await tempDir();
    await writeRecording(join(dir, "r.ndjson"), paceFrames(20));
    const clock = new FakeClock(); // its timers never fire: the replay waits for frame 2 until stopped
    const source = replay({ files: join(dir, "r.ndjson"), speed: 1 }, { clock });
    await source.start?.();
    const { events, done } = collect(source);
    await clock.whenTimerPending();
    await source.stop?.();
    await done;
    expect(events).toHaveLength(1);
    expect(await source.finished).toMatchObject({ stopped: true, frames: 1 });
    expect(source.status().state).toBe("stopped");
  });

  it("stops when the pipeline's signal aborts", async () => {
    const dir = await tempDir();
    await writeRecording(join(dir, "r.ndjson"), paceFrames(5));
    const controller = new AbortController();
    const clock = new FakeClock();
    const source = replay(
      { files: join(dir, "r.ndjson") },
      { clock },
      createTestContext({ kind: "source", signal: controller.signal }),
    );
    const { done } = collect(source);
    await clock.whenTimerPending();
    controller.abort();
    await done;
    expect((await source.finished).stopped).toBe(true);
  });

  it("loop starts over after the last file until stopped", async () => {
    const dir = await tempDir();
    await writeRecording(join(dir, "r.ndjson"), paceFrames(3));
    const source = replay({ files: join(dir, "r.ndjson"), speed: "max", loop: true });
    const { events, done } = collect(source, (_event, count) => {
      if (count === 8) void source.stop?.();
    });
    await done;
    expect(
      framesOf(events)
        .map((frame) => frame.timestamp.relative)
        .slice(0, 8),
    ).toEqual([0, 0.5, 1, 0, 0.5, 1, 0, 0.5]);
    const summary = await source.finished;
    expect(summary.passes).toBe(3);
    expect(summary.stopped).toBe(true);
  });

  it("loop over a file without a single good line ends instead of spinning", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "bad.ndjson"), "nope\nnope\n");
    const source = replay({ files: join(dir, "bad.ndjson"), speed: "max", loop: true });
    const { events, done } = collect(source);
    await done;
    expect(events).toHaveLength(0);
    expect(await source.finished).toMatchObject({ passes: 1, stopped: false, badLines: { "invalid-json": 2 } });
  });

  it("stop before anyone subscribed completes a later subscription at once", async () => {
    const dir = await tempDir();
    await writeRecording(join(dir, "r.ndjson"), paceFrames(3));
    const source = replay({ files: join(dir, "r.ndjson") });
    await source.start?.();
    await source.stop?.();
    const { events, done } = collect(source);
    await done;
    expect(events).toHaveLength(0);
  });
});
