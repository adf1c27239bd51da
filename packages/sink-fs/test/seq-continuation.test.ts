import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FramepipeError, nextFreeSeq, type SinkInstance, type VideoFrame } from "@framepipe/core";
import { createRecordingContext, createTestFrame, createTestStream } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { type FsSinkOptionsInput, fsSink } from "../src/index.js";
import { tempDir, walkFiles } from "./support/temp-dir.js";

/** An `isTaken` over a set of seqs that also records which seqs it was asked about. */
function takenSet(seqs: Iterable<number>): { isTaken: (seq: number) => Promise<boolean>; asked: number[] } {
  const taken = new Set(seqs);
  const asked: number[] = [];
  return {
    asked,
    isTaken: async (seq) => {
      asked.push(seq);
      return taken.has(seq);
    },
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, index) => from + index);
}

describe("nextFreeSeq", () => {
  it("finds the end of a contiguous run in about 2·log2(N) checks", async () => {
    for (const count of [1, 2, 3, 10, 100, 1000, 54_321]) {
      const probe = takenSet(range(0, count));
      expect(await nextFreeSeq(0, probe.isTaken)).toBe(count);
      expect(probe.asked.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(count + 1)) + 1);
    }
  });

  it("starts from the colliding seq, not from 0", async () => {
    const probe = takenSet(range(0, 500));
    expect(await nextFreeSeq(490, probe.isTaken)).toBe(500);
    expect(Math.min(...probe.asked)).toBeGreaterThan(490);
  });

  it("with a hole in the numbering returns a free seq whose predecessor is taken", async () => {
    // 0..30 taken except 24: the search steps 1, 2, 4, 8, 16 (taken), 32 (free), then halves into the hole.
    const taken = range(0, 31).filter((seq) => seq !== 24);
    const found = await nextFreeSeq(0, takenSet(taken).isTaken);
    expect(found).toBe(24);
    // A hole the steps jump over is left alone: the result is still free and follows a taken seq.
    const jumped = await nextFreeSeq(0, takenSet(range(0, 101).filter((seq) => seq !== 48)).isTaken);
    expect(jumped).toBe(101);
  });

  it("passes on a failed check", async () => {
    const failing = async () => {
      throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    };
    await expect(nextFreeSeq(0, failing)).rejects.toThrow("EACCES");
  });
});

async function createSink(options: FsSinkOptionsInput) {
  const recording = createRecordingContext();
  const sink: SinkInstance = await fsSink.create(fsSink.options.parse(options), recording.context);
  return { sink, ...recording };
}

/** One participant's webcam stream of `count` frames numbered from `from`, as one run of ingest numbers them. */
function run(count: number, options: { from?: number; seqFrom?: number; participant?: number } = {}): VideoFrame[] {
  const from = options.from ?? 0;
  return range(0, count).map((index) =>
    createTestFrame({
      seq: (options.seqFrom ?? 0) + index,
      participant: { id: options.participant ?? 100 },
      // Later in the recording: a distinct time and image per frame of the whole recording.
      timestamp: { relative: (from + index) / 2 },
      image: {
        data: Buffer.from(`frame ${from + index} of participant ${options.participant ?? 100}`),
        width: 4,
        height: 4,
      },
    }),
  );
}

async function writeAll(sink: SinkInstance, frames: readonly VideoFrame[]): Promise<void> {
  for (const frame of frames) await sink.write(frame);
  await sink.close?.();
}

interface ManifestLine {
  readonly file: string;
  readonly seq: number;
  readonly relative: number;
}

async function manifestLines(file: string): Promise<ManifestLine[]> {
  return (await readFile(file, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as ManifestLine);
}

describe("fs sink: a stream continues after files of an earlier run", () => {
  it("a restarted run writes the rest of the recording after the first run's files", async () => {
    const dir = await tempDir();
    const first = await createSink({ dir, manifest: true });
    await writeAll(first.sink, run(5));
    // The restarted pipeline numbers the stream from 0 again.
    const second = await createSink({ dir, manifest: true });
    const rest = run(7, { from: 5 });
    await writeAll(second.sink, rest);

    const recording = rest[0]!.recording.id;
    const folder = `${recording}/100-webcam`;
    expect(await walkFiles(dir)).toEqual([
      ...range(0, 12).map((seq) => `${folder}/${String(seq).padStart(6, "0")}.png`),
      `${folder}/manifest.ndjson`,
    ]);
    for (const seq of range(0, 12)) {
      const file = join(dir, folder, `${String(seq).padStart(6, "0")}.png`);
      expect(await readFile(file, "utf8")).toBe(`frame ${seq} of participant 100`);
    }
    // One manifest, its seqs those of the file names, in recording order.
    const lines = await manifestLines(join(dir, folder, "manifest.ndjson"));
    expect(lines.map((line) => line.seq)).toEqual(range(0, 12));
    expect(lines.map((line) => line.file)).toEqual(
      range(0, 12).map((seq) => `${folder}/${String(seq).padStart(6, "0")}.png`),
    );
    expect(lines.map((line) => line.relative)).toEqual(range(0, 12).map((seq) => seq / 2));

    // Logged and counted once for the stream, nothing counted as an error.
    const continued = second.logs.filter((entry) => entry.message?.startsWith("stream continues"));
    expect(continued).toHaveLength(1);
    expect(continued[0]).toMatchObject({
      level: "info",
      message: "stream continues at seq 5 after a restart: earlier files exist",
      object: { recordingId: recording, participantId: 100, type: "webcam", seq: 5, frameSeq: 0 },
    });
    expect(second.counters.get("fs_sink_seq_continuations_total")).toBe(1);
    expect([...second.counters.keys()].filter((key) => key.startsWith("fs_sink_write_errors_total"))).toEqual([]);
  });

  it("keeps an offset per stream: other streams and recordings are numbered on their own", async () => {
    const dir = await tempDir();
    const first = await createSink({ dir });
    await writeAll(first.sink, run(3, { participant: 100 }));
    const second = await createSink({ dir });
    const frames = createTestStream({ participants: 2, types: ["webcam", "screenshare"], frames: 2 });
    await writeAll(second.sink, frames);
    const recording = frames[0]!.recording.id;
    expect(await walkFiles(dir)).toEqual([
      `${recording}/100-screenshare/000000.png`,
      `${recording}/100-screenshare/000001.png`,
      `${recording}/100-webcam/000000.png`,
      `${recording}/100-webcam/000001.png`,
      `${recording}/100-webcam/000002.png`,
      `${recording}/100-webcam/000003.png`,
      `${recording}/100-webcam/000004.png`,
      `${recording}/101-screenshare/000000.png`,
      `${recording}/101-screenshare/000001.png`,
      `${recording}/101-webcam/000000.png`,
      `${recording}/101-webcam/000001.png`,
    ]);
    expect(second.counters.get("fs_sink_seq_continuations_total")).toBe(1);
  });

  it("a hole in the earlier numbering: the frame fills it, the next probes again, nothing is overwritten or lost", async () => {
    const dir = await tempDir();
    const first = await createSink({ dir, path: "{participant.id}/{seq}.{ext}" });
    // An earlier run left 0..30 with 24 missing (a frame it failed to write).
    await writeAll(
      first.sink,
      run(31).filter((frame) => frame.seq !== 24),
    );
    const before = await walkFiles(dir);
    expect(before).toHaveLength(30);

    const second = await createSink({ dir, path: "{participant.id}/{seq}.{ext}" });
    const rest = run(5, { from: 31 });
    await writeAll(second.sink, rest);

    const files = await walkFiles(dir);
    // 24 is filled by the first frame of the new run; 25..30 exist, so the next frame moves on to 31.
    expect(files).toEqual(range(0, 35).map((seq) => `100/${String(seq).padStart(6, "0")}.png`));
    expect(await readFile(join(dir, "100/000024.png"), "utf8")).toBe("frame 31 of participant 100");
    expect(await readFile(join(dir, "100/000031.png"), "utf8")).toBe("frame 32 of participant 100");
    expect(await readFile(join(dir, "100/000034.png"), "utf8")).toBe("frame 35 of participant 100");
    for (const seq of range(0, 31).filter((seq) => seq !== 24)) {
      expect(await readFile(join(dir, `100/${String(seq).padStart(6, "0")}.png`), "utf8")).toBe(
        `frame ${seq} of participant 100`,
      );
    }
    const continued = second.logs.filter((entry) => entry.message?.startsWith("stream continues"));
    expect(continued.map((entry) => [entry.level, entry.object.seq])).toEqual([
      ["info", 24],
      ["debug", 31],
    ]);
    expect(second.counters.get("fs_sink_seq_continuations_total")).toBe(2);
  });

  it("an existing file with the same bytes is not taken for a duplicate: the frame is written after it", async () => {
    // A static screenshare sends identical images for minutes, and Recall never resends a frame.
    const dir = await tempDir();
    const still = Buffer.from("the same slide");
    const frame = (seq: number) =>
      createTestFrame({ seq, type: "screenshare", image: { data: still, width: 4, height: 4 } });
    const first = await createSink({ dir, path: "{type}/{seq}.{ext}" });
    await writeAll(first.sink, [frame(0), frame(1)]);
    const second = await createSink({ dir, path: "{type}/{seq}.{ext}" });
    await writeAll(second.sink, [frame(0), frame(1)]);
    expect(await walkFiles(dir)).toEqual(range(0, 4).map((seq) => `screenshare/00000${seq}.png`));
  });

  it("a path that names each frame keeps a redelivered frame once, and a new frame of the same image apart", async () => {
    // A NATS worker takes a stream over: frames its predecessor wrote come again, with the same
    // seq (the ingest node's), time and bytes. A still screenshare's next frame has the same bytes
    // but its own time.
    const dir = await tempDir();
    const path = "{recording.id}/{participant.id}-{type}/{seq}-{timestamp.relative}.{ext}";
    const still = Buffer.from("the same slide");
    const frame = (seq: number, relative: number) =>
      createTestFrame({ seq, timestamp: { relative }, image: { data: still, width: 4, height: 4 } });
    const first = await createSink({ dir, path, manifest: true });
    await writeAll(first.sink, [frame(0, 0), frame(1, 0.5)]);
    const second = await createSink({ dir, path, manifest: true });
    await writeAll(second.sink, [frame(1, 0.5), frame(2, 1)]);
    // An ingest node that restarted numbers from 0 again: same seq and bytes, a later time.
    const third = await createSink({ dir, path, manifest: true });
    await writeAll(third.sink, [frame(0, 7)]);

    const folder = `${frame(0, 0).recording.id}/100-webcam`;
    expect(await walkFiles(dir)).toEqual([
      `${folder}/000000-0.png`,
      `${folder}/000000-7000.png`,
      `${folder}/000001-500.png`,
      `${folder}/000002-1000.png`,
      `${folder}/manifest.ndjson`,
    ]);
    expect(second.counters.get("fs_sink_duplicates_total")).toBe(1);
    expect(third.counters.get("fs_sink_duplicates_total")).toBeUndefined();
    expect(second.counters.get("fs_sink_seq_continuations_total")).toBeUndefined();
    // The manifest lists each file once.
    const lines = await manifestLines(join(dir, folder, "manifest.ndjson"));
    expect(lines.map((line) => [line.seq, line.relative])).toEqual([
      [0, 0],
      [1, 0.5],
      [2, 1],
      [0, 7],
    ]);
  });

  it("a same-bytes file at a path that names each frame's time but not its stream is still not a duplicate", async () => {
    const dir = await tempDir();
    const path = "{timestamp.relative}.{ext}";
    const still = Buffer.from("black camera");
    const frame = (participant: number) =>
      createTestFrame({ participant: { id: participant }, image: { data: still, width: 4, height: 4 } });
    const sink = await createSink({ dir, path });
    await sink.sink.write(frame(1));
    await expect(Promise.resolve(sink.sink.write(frame(2)))).rejects.toThrow("already exists");
    expect(sink.counters.get("fs_sink_duplicates_total")).toBeUndefined();
  });

  it("without {seq} in the template an existing file still fails the frame (exists), as before", async () => {
    const dir = await tempDir();
    const first = await createSink({ dir, path: "{participant.id}-{timestamp.relative}.{ext}" });
    await writeAll(first.sink, run(2));
    const second = await createSink({ dir, path: "{participant.id}-{timestamp.relative}.{ext}" });
    const error = await Promise.resolve(second.sink.write(run(1)[0]!)).then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(FramepipeError.isInstance(error)).toBe(true);
    expect((error as FramepipeError).message).toContain('"100-0.png" already exists');
    expect(await readFile(join(dir, "100-0.png"), "utf8")).toBe("frame 0 of participant 100");
    expect(second.counters.get('fs_sink_write_errors_total{"reason":"exists"}')).toBe(1);
    expect(second.counters.get("fs_sink_seq_continuations_total")).toBeUndefined();
  });

  it("overwrite: true replaces the earlier run's files, as configured", async () => {
    const dir = await tempDir();
    const first = await createSink({ dir, path: "{seq}.{ext}" });
    await writeAll(first.sink, run(2));
    const second = await createSink({ dir, path: "{seq}.{ext}", overwrite: true });
    await writeAll(second.sink, run(1, { from: 2 }));
    expect(await walkFiles(dir)).toEqual(["000000.png", "000001.png"]);
    expect(await readFile(join(dir, "000000.png"), "utf8")).toBe("frame 2 of participant 100");
  });

  it("a folder or a foreign file in the way counts as taken and is left as it is", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "000000.png"));
    await writeFile(join(dir, "000001.png"), "not a frame");
    const { sink } = await createSink({ dir, path: "{seq}.{ext}" });
    await writeAll(sink, run(1));
    expect(await readFile(join(dir, "000002.png"), "utf8")).toBe("frame 0 of participant 100");
    expect(await readFile(join(dir, "000001.png"), "utf8")).toBe("not a frame");
  });
});
