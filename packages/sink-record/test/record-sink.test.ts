import { createReadStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { FramepipeError, groupKeyOf, type SinkInstance, type VideoFrame, withImage } from "@framepipe/core";
import {
  createRecordingContext,
  createTestContext,
  createTestFrame,
  createTestStream,
  padPng,
} from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { type RecordSinkOptionsInput, recallFrameMessage, recordSink } from "../src/index.js";
import { readFrames, readLines } from "./support/read-recording.js";
import { tempDir, walkFiles } from "./support/temp-dir.js";

async function createSink(options: RecordSinkOptionsInput, context = createTestContext()): Promise<SinkInstance> {
  return recordSink.create(recordSink.options.parse(options), context);
}

function groupOf(frame: VideoFrame) {
  return {
    key: groupKeyOf(frame.recording.id, frame.participant.id),
    recordingId: frame.recording.id,
    participantId: frame.participant.id,
    reason: "leave" as const,
  };
}

/** Every line of a gzip file that can be decompressed, and the error that ended the reading, if any. */
async function readGzipPrefix(path: string): Promise<{ lines: string[]; error: Error | null }> {
  const lines: string[] = [];
  try {
    for await (const line of createInterface({ input: createReadStream(path).pipe(createGunzip()) })) lines.push(line);
    return { lines, error: null };
  } catch (error) {
    return { lines, error: error as Error };
  }
}

describe("record sink", () => {
  it("appends one Recall message per line, in write order, to {recording.id}.ndjson", async () => {
    const dir = await tempDir();
    const frames = createTestStream({ participants: 2, types: ["webcam", "screenshare"], frames: 3 });
    const sink = await createSink({ dir });
    for (const frame of frames) await sink.write(frame);
    await sink.close?.();
    const recording = frames[0]!.recording.id;
    expect(await walkFiles(dir)).toEqual([`${recording}.ndjson`]);
    expect(await readLines(join(dir, `${recording}.ndjson`))).toEqual(frames.map(recallFrameMessage));
  });

  it("with gzip writes {recording.id}.ndjson.gz, one gzip member per opening, complete after close", async () => {
    const dir = await tempDir();
    const frames = createTestStream({ participants: 2, frames: 4 });
    const sink = await createSink({ dir, gzip: true });
    for (const frame of frames) await sink.write(frame);
    await sink.close?.();
    const recording = frames[0]!.recording.id;
    expect(await walkFiles(dir)).toEqual([`${recording}.ndjson.gz`]);
    const gzip = await readFile(join(dir, `${recording}.ndjson.gz`));
    expect([gzip[0], gzip[1]]).toEqual([0x1f, 0x8b]);
    expect(await readLines(join(dir, `${recording}.ndjson.gz`))).toEqual(frames.map(recallFrameMessage));
  });

  it("gzip: after flush, a reader of the still-open file gets every line written (a crash leaves a readable prefix)", async () => {
    const dir = await tempDir();
    const frames = createTestStream({ participants: 1, frames: 5 });
    const sink = await createSink({ dir, gzip: true });
    for (const frame of frames) await sink.write(frame);
    await sink.flush?.();
    const path = join(dir, `${frames[0]!.recording.id}.ndjson.gz`);
    const prefix = await readGzipPrefix(path);
    expect(prefix.lines).toEqual(frames.map(recallFrameMessage));
    expect(prefix.error?.message).toMatch(/unexpected end of file/);
    await sink.close?.();
    expect((await readGzipPrefix(path)).error).toBeNull();
  });

  it("closes a file when every participant that wrote to it has ended, and reopens it for appending", async () => {
    const dir = await tempDir();
    const { context, gauges } = createRecordingContext();
    const [first, second] = createTestStream({ participants: 2, frames: 1 });
    const sink = await createSink({ dir, gzip: true }, context);
    await sink.write(first!);
    await sink.write(second!);
    const path = join(dir, `${first!.recording.id}.ndjson.gz`);
    await sink.endGroup?.(groupOf(first!));
    expect(gauges.get("record_sink_open_files")?.at(-1)).toBe(1);
    await sink.endGroup?.(groupOf(second!));
    expect(gauges.get("record_sink_open_files")?.at(-1)).toBe(0);
    // Closed: the gzip trailer is written, the file reads back whole without close().
    expect((await readGzipPrefix(path)).error).toBeNull();
    const late = createTestFrame({ participant: { id: first!.participant.id }, seq: 1 });
    await sink.write(late);
    await sink.close?.();
    expect(await readLines(path)).toEqual([first!, second!, late].map(recallFrameMessage));
  });

  it("keeps at most maxOpenFiles open, closing the least recently written, and loses no line", async () => {
    const dir = await tempDir();
    const { context, gauges } = createRecordingContext();
    const frames = createTestStream({ participants: 4, frames: 5 });
    const sink = await createSink({ dir, gzip: true, path: "{participant.id}.ndjson.gz", maxOpenFiles: 2 }, context);
    for (const frame of frames) await sink.write(frame);
    await sink.close?.();
    expect(Math.max(...(gauges.get("record_sink_open_files") ?? []))).toBeLessThanOrEqual(2);
    for (const id of [100, 101, 102, 103]) {
      const expected = frames.filter((frame) => frame.participant.id === id).map(recallFrameMessage);
      expect(await readLines(join(dir, `${id}.ndjson.gz`))).toEqual(expected);
    }
  });

  it("keeps per-stream order when streams write concurrently into one file", async () => {
    const dir = await tempDir();
    const frames = createTestStream({ participants: 3, types: ["webcam", "screenshare"], frames: 8 });
    const sink = await createSink({ dir });
    const streams = new Map<string, VideoFrame[]>();
    for (const frame of frames) {
      const key = `${frame.participant.id}#${frame.type}`;
      streams.set(key, [...(streams.get(key) ?? []), frame]);
    }
    await Promise.all(
      [...streams.values()].map(async (stream) => {
        for (const frame of stream) await sink.write(frame);
      }),
    );
    await sink.close?.();
    const stored = await readFrames(join(dir, `${frames[0]!.recording.id}.ndjson`));
    expect(stored).toHaveLength(frames.length);
    for (const stream of streams.values()) {
      const [{ participant, type }] = stream as [VideoFrame];
      const relatives = stored
        .filter((frame) => frame.participant.id === participant.id && frame.type === type)
        .map((frame) => frame.timestamp.relative);
      expect(relatives).toEqual(stream.map((frame) => frame.timestamp.relative));
    }
  });

  it("starts on a new line when an existing file ends mid-line (a previous process died while writing)", async () => {
    const dir = await tempDir();
    const frame = createTestFrame();
    const path = join(dir, `${frame.recording.id}.ndjson`);
    await writeFile(path, '{"event":"video_separate_png.data","data":{"da');
    const sink = await createSink({ dir });
    await sink.write(frame);
    await sink.close?.();
    const lines = await readLines(path);
    expect(lines).toEqual(['{"event":"video_separate_png.data","data":{"da', recallFrameMessage(frame)]);
  });

  it("keeps every file under dir, whatever the ids, names and metadata say", async () => {
    const root = await tempDir();
    const dir = join(root, "out");
    const hostile = ["../../escape", "..", "/etc/passwd", "a/../../b", "C:\\windows", "nul\u0000byte", ".hidden"];
    const frames = hostile.map((value, index) =>
      createTestFrame({
        recording: { id: value, metadata: { team: value } },
        bot: { id: value },
        participant: { id: index, name: value },
      }),
    );
    const sink = await createSink({
      dir,
      path: "{recording.metadata.team}/{bot.id}/{participant.name}-{recording.id}.ndjson",
    });
    for (const frame of frames) await sink.write(frame);
    await sink.close?.();
    const files = await walkFiles(root);
    expect(files).toHaveLength(hostile.length);
    for (const file of files) expect(file.startsWith("out/")).toBe(true);
    expect(files.every((file) => !file.split("/").includes(".."))).toBe(true);
  });

  it("fails a write whose folder cannot be created with SINK_WRITE_FAILED and keeps writing other files", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "blocked"), "a file where a folder must go");
    const { context, counters } = createRecordingContext();
    const sink = await createSink({ dir, path: "{recording.id}/{participant.id}.ndjson" }, context);
    const bad = createTestFrame({ recording: { id: "blocked" } });
    const good = createTestFrame({ recording: { id: "fine" } });
    const error = await Promise.resolve(sink.write(bad)).catch((caught: unknown) => caught);
    expect(FramepipeError.isInstance(error)).toBe(true);
    expect((error as FramepipeError).code).toBe("SINK_WRITE_FAILED");
    expect((error as FramepipeError).message).toContain('"blocked/100.ndjson"');
    await sink.write(good);
    await sink.close?.();
    expect(await readLines(join(dir, "fine", "100.ndjson"))).toEqual([recallFrameMessage(good)]);
    expect([...counters.keys()].some((key) => key.startsWith("record_sink_write_errors_total"))).toBe(true);
  });

  it("warns once per format when frames are no longer PNG (a transform re-encoded them before the recorder)", async () => {
    const dir = await tempDir();
    const { context, logs } = createRecordingContext();
    const sink = await createSink({ dir }, context);
    const jpeg = (seq: number) =>
      withImage(createTestFrame({ seq }), {
        data: Buffer.from([0xff, 0xd8, 0xff, seq]),
        format: "jpeg",
        width: 4,
        height: 4,
      });
    await sink.write(jpeg(0));
    await sink.write(jpeg(1));
    await sink.write(createTestFrame({ seq: 2 }));
    await sink.close?.();
    const warnings = logs.filter((entry) => entry.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.object).toEqual({ format: "jpeg" });
    expect(await readLines(join(dir, `${jpeg(0).recording.id}.ndjson`))).toHaveLength(3);
  });

  it("rejects writes after close; close waits for the files and may be called twice", async () => {
    const dir = await tempDir();
    const frame = createTestFrame();
    const sink = await createSink({ dir, gzip: true });
    await sink.write(frame);
    await Promise.all([sink.close?.(), sink.close?.()]);
    expect(await readLines(join(dir, `${frame.recording.id}.ndjson.gz`))).toEqual([recallFrameMessage(frame)]);
    await expect(Promise.resolve().then(() => sink.write(frame))).rejects.toThrow(/the sink is closed/);
  });

  it("fails at create with a clear message when dir cannot be created", async () => {
    const root = await tempDir();
    const file = join(root, "file");
    await writeFile(file, "");
    await expect(createSink({ dir: join(file, "sub") })).rejects.toThrow(/cannot create the recordings folder/);
  });

  it("writes large realistic frames through the stream's backpressure without reordering", async () => {
    const dir = await tempDir();
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const frames = createTestStream({ participants: 1, frames: 4 }).map((frame) =>
      // Padding inside the PNG, not after IEND: a replay (and readFrames) refuses the latter as corrupt-png.
      withImage(frame, { ...frame.image, data: padPng(frame.image.data, big) }),
    );
    const sink = await createSink({ dir, path: "deep/{recording.id}.ndjson" });
    await Promise.all(frames.map((frame) => sink.write(frame)));
    await sink.close?.();
    const stored = await readFrames(join(dir, "deep", `${frames[0]!.recording.id}.ndjson`));
    expect(stored.map((frame) => frame.timestamp.relative)).toEqual(frames.map((frame) => frame.timestamp.relative));
    expect(stored.every((frame, index) => frame.image.data.equals(frames[index]!.image.data))).toBe(true);
  });
});
