import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import {
  type ComponentMetrics,
  createNoopMetrics,
  FramepipeError,
  groupKeyOf,
  isTransientError,
  type SinkInstance,
  type StreamInfo,
  streamKeyOfFrame,
  type VideoFrame,
} from "@framepipe/core";
import { createTestContext, createTestFrame, createTestStream } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { type FsSinkOptionsInput, fsSink } from "../src/index.js";
import { tempDir, walkFiles } from "./support/temp-dir.js";

async function createSink(options: FsSinkOptionsInput, metrics?: ComponentMetrics): Promise<SinkInstance> {
  return fsSink.create(
    fsSink.options.parse(options),
    createTestContext({ type: "fs", componentId: "disk", ...(metrics ? { metrics } : {}) }),
  );
}

function streamOf(frame: VideoFrame): StreamInfo {
  return {
    key: streamKeyOfFrame(frame),
    groupKey: groupKeyOf(frame.recording.id, frame.participant.id),
    recordingId: frame.recording.id,
    participantId: frame.participant.id,
    type: frame.type,
  };
}

async function rejection(promise: Promise<unknown>): Promise<FramepipeError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!FramepipeError.isInstance(error)) throw new Error(`expected a FramepipeError, got ${String(error)}`);
  return error;
}

/** Records counter increments by metric name. */
function recordingMetrics(): { metrics: ComponentMetrics; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const noop = createNoopMetrics();
  return {
    counts,
    metrics: {
      ...noop,
      counter: (name) => ({
        inc: (labels, value) => {
          const key = labels?.reason ? `${name}{${labels.reason}}` : name;
          counts.set(key, (counts.get(key) ?? 0) + (value ?? 1));
        },
      }),
    },
  };
}

describe("fs sink: writing", () => {
  it("writes frames at the default path, creating folders", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir });
    const frames = createTestStream({ participants: 2, types: ["webcam", "screenshare"], frames: 2 });
    for (const frame of frames) await sink.write(frame);
    await sink.close?.();
    const recording = frames[0]?.recording.id;
    expect(await walkFiles(dir)).toEqual([
      `${recording}/100-screenshare/000000.png`,
      `${recording}/100-screenshare/000001.png`,
      `${recording}/100-webcam/000000.png`,
      `${recording}/100-webcam/000001.png`,
      `${recording}/101-screenshare/000000.png`,
      `${recording}/101-screenshare/000001.png`,
      `${recording}/101-webcam/000000.png`,
      `${recording}/101-webcam/000001.png`,
    ]);
    const first = frames[0]!;
    expect(await readFile(join(dir, `${recording}/100-webcam/000000.png`))).toEqual(first.image.data);
  });

  it("resolves a relative dir against the working directory", async () => {
    const dir = await tempDir();
    const relativeDir = relative(process.cwd(), join(dir, "out"));
    expect(isAbsolute(relativeDir)).toBe(false);
    const sink = await createSink({ dir: relativeDir, path: "{seq}.{ext}" });
    await sink.write(createTestFrame());
    expect((await stat(join(dir, "out", "000000.png"))).isFile()).toBe(true);
  });

  it("counts written bytes", async () => {
    const dir = await tempDir();
    const { metrics, counts } = recordingMetrics();
    const sink = await createSink({ dir }, metrics);
    const frames = createTestStream({ participants: 1, frames: 3 });
    for (const frame of frames) await sink.write(frame);
    const bytes = frames.reduce((sum, frame) => sum + frame.image.data.byteLength, 0);
    expect(counts.get("fs_sink_written_bytes_total")).toBe(bytes);
  });

  it("uses the jpg extension for jpeg frames and the fallback for nameless participants", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir, path: "{participant.name|guest}/{bot.id}.{ext}" });
    const frame = createTestFrame({
      participant: { name: null },
      bot: null,
      image: { data: Buffer.from("jpeg bytes"), format: "jpeg", width: 1, height: 1 },
    });
    await sink.write(frame);
    expect(await walkFiles(dir)).toEqual(["guest/unknown.jpg"]);
  });

  it("applies fileMode exactly, whatever the umask", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir, path: "{seq}.{ext}", fileMode: "0640" });
    await sink.write(createTestFrame());
    expect((await stat(join(dir, "000000.png"))).mode & 0o777).toBe(0o640);
  });

  it("writes with fsync enabled", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir, path: "{seq}.{ext}", fsync: true });
    const frame = createTestFrame();
    await sink.write(frame);
    expect(await readFile(join(dir, "000000.png"))).toEqual(frame.image.data);
  });

  it("fails create with a clear message when dir cannot be created", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "file"), "x");
    const error = await rejection(createSink({ dir: join(dir, "file", "frames") }));
    expect(error.code).toBe("SINK_WRITE_FAILED");
    expect(error.stage).toBe("create");
    expect(error.message).toContain("[framepipe] [sink:fs#disk]");
    expect(error.message).toContain("ENOTDIR");
  });
});

describe("fs sink: overwrite", () => {
  it("overwrite false: a second write of the same path fails, keeps the first file, is not transient", async () => {
    const dir = await tempDir();
    const { metrics, counts } = recordingMetrics();
    const sink = await createSink({ dir, path: "{participant.id}.{ext}" }, metrics);
    const first = createTestFrame({ seq: 0 });
    const second = createTestFrame({ seq: 1 });
    await sink.write(first);
    const error = await rejection(Promise.resolve(sink.write(second)));
    expect(error.code).toBe("SINK_WRITE_FAILED");
    expect(error.stage).toBe("write");
    expect(error.component).toBe("sink:fs#disk");
    expect(error.message).toContain('"100.png" already exists');
    expect(error.message).toContain("overwrite is false");
    expect(isTransientError(error)).toBe(false);
    expect(await readFile(join(dir, "100.png"))).toEqual(first.image.data);
    expect(await walkFiles(dir)).toEqual(["100.png"]);
    expect(counts.get("fs_sink_write_errors_total{exists}")).toBe(1);
  });

  it("overwrite false: of concurrent writers of one path exactly one wins, the file is whole", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir, path: "{participant.id}.{ext}" });
    const frames = Array.from({ length: 8 }, (_, seq) => createTestFrame({ seq }));
    const results = await Promise.allSettled(frames.map((frame) => sink.write(frame)));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const stored = await readFile(join(dir, "100.png"));
    expect(frames.some((frame) => frame.image.data.equals(stored))).toBe(true);
    expect(await walkFiles(dir)).toEqual(["100.png"]);
  });

  it("overwrite true replaces the file", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir, path: "{participant.id}.{ext}", overwrite: true });
    await sink.write(createTestFrame({ seq: 0 }));
    const second = createTestFrame({ seq: 1 });
    await sink.write(second);
    expect(await readFile(join(dir, "100.png"))).toEqual(second.image.data);
    expect(await walkFiles(dir)).toEqual(["100.png"]);
  });
});

describe("fs sink: failures", () => {
  it("a folder blocked by a file fails that frame with a clear error while other frames are written", async () => {
    const dir = await tempDir();
    // Tests run as root, where chmod 0o555 does not stop writes; a regular file where a folder
    // must go fails (ENOTDIR/EEXIST) for any user.
    await writeFile(join(dir, "101"), "not a folder");
    const sink = await createSink({ dir, path: "{participant.id}/{seq}.{ext}" });
    const frames = createTestStream({ participants: 2, frames: 2 });
    const results = await Promise.allSettled(frames.map((frame) => sink.write(frame)));
    const failures = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
    expect(failures).toHaveLength(2);
    for (const failure of failures) {
      expect(FramepipeError.isInstance(failure)).toBe(true);
      expect((failure as FramepipeError).message).toMatch(
        /a file with that name is in the way|part of its folder path/,
      );
      expect(isTransientError(failure)).toBe(false);
    }
    expect(await walkFiles(dir)).toEqual(["100/000000.png", "100/000001.png", "101"]);
  });

  it("recreates a folder removed behind its back", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir, path: "sub/{seq}.{ext}" });
    await sink.write(createTestFrame({ seq: 0 }));
    await rm(join(dir, "sub"), { recursive: true });
    await sink.write(createTestFrame({ seq: 1 }));
    expect(await walkFiles(dir)).toEqual(["sub/000001.png"]);
  });

  it("never throws synchronously, even for a malformed frame", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir });
    const broken = { ...createTestFrame(), image: undefined } as unknown as VideoFrame;
    let result: unknown;
    expect(() => {
      result = sink.write(broken);
    }).not.toThrow();
    await expect(result).rejects.toBeDefined();
  });
});

describe("fs sink: manifest", () => {
  async function readManifest(path: string): Promise<Record<string, unknown>[]> {
    const text = await readFile(path, "utf8");
    return text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it("writes one line per frame, in order, beside the frames, on endStream", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir, manifest: true });
    const frames = createTestStream({ participants: 1, frames: 3 });
    const names = ["", "Ada", "Ada L."];
    const named = frames.map((frame, index) =>
      Object.freeze({ ...frame, participant: Object.freeze({ ...frame.participant, name: names[index] || null }) }),
    );
    for (const frame of named) await sink.write(frame);
    const first = named[0]!;
    const manifestPath = join(dir, first.recording.id, "100-webcam", "manifest.ndjson");
    await expect(stat(manifestPath)).rejects.toMatchObject({ code: "ENOENT" });
    await sink.endStream?.(streamOf(first));
    const lines = await readManifest(manifestPath);
    expect(lines).toEqual(
      named.map((frame) => ({
        file: `${frame.recording.id}/100-webcam/${String(frame.seq).padStart(6, "0")}.png`,
        seq: frame.seq,
        relative: frame.timestamp.relative,
        absolute: frame.timestamp.absolute.toISOString(),
        width: frame.image.width,
        height: frame.image.height,
        format: "png",
        bytes: frame.image.data.byteLength,
        participantName: frame.participant.name,
      })),
    );
    expect(lines.map((line) => line.participantName)).toEqual([null, "Ada", "Ada L."]);
  });

  it("keeps one manifest per stream, and lists only frames that were written", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir, manifest: true, path: "{recording.id}/{participant.id}.{type}.{seq}.{ext}" });
    const frames = createTestStream({ participants: 2, types: ["webcam", "screenshare"], frames: 2 });
    for (const frame of frames) await sink.write(frame);
    // A frame that fails (its recording's folder is blocked by a file) gets no manifest line.
    await writeFile(join(dir, "blocked"), "not a folder");
    const failing = createTestFrame({ recording: { id: "blocked" } });
    await expect(Promise.resolve(sink.write(failing))).rejects.toThrow("a file with that name is in the way");
    await sink.close?.();
    const recording = frames[0]!.recording.id;
    const manifests = (await walkFiles(dir)).filter((file) => file.endsWith(".ndjson"));
    expect(manifests).toEqual([
      `${recording}/manifest-100-screenshare.ndjson`,
      `${recording}/manifest-100-webcam.ndjson`,
      `${recording}/manifest-101-screenshare.ndjson`,
      `${recording}/manifest-101-webcam.ndjson`,
    ]);
    const webcam = await readManifest(join(dir, `${recording}/manifest-100-webcam.ndjson`));
    expect(webcam.map((line) => line.seq)).toEqual([0, 1]);
  });

  it("appends every 64 lines without waiting for the stream to end, and the rest on flush", async () => {
    const dir = await tempDir();
    const sink = await createSink({
      dir,
      manifest: true,
      manifestPath: "m/{recording.id}-{participant.id}-{type}.ndjson",
    });
    const frames = createTestStream({ participants: 1, frames: 70 });
    for (const frame of frames) await sink.write(frame);
    const path = join(dir, "m", `${frames[0]!.recording.id}-100-webcam.ndjson`);
    expect((await readManifest(path)).map((line) => line.seq)).toEqual(frames.slice(0, 64).map((frame) => frame.seq));
    await sink.flush?.();
    expect((await readManifest(path)).map((line) => line.seq)).toEqual(frames.map((frame) => frame.seq));
  });

  it("reports a manifest that cannot be written on endStream, and writes it once the way is clear", async () => {
    const dir = await tempDir();
    const sink = await createSink({
      dir,
      manifest: true,
      manifestPath: "m/{recording.id}/{participant.id}-{type}.ndjson",
    });
    const frame = createTestFrame();
    await writeFile(join(dir, "m"), "in the way");
    await sink.write(frame);
    const error = await rejection(Promise.resolve(sink.endStream?.(streamOf(frame))));
    expect(error.stage).toBe("end-stream");
    expect(error.message).toContain(`m/${frame.recording.id}/100-webcam.ndjson`);
    await rm(join(dir, "m"));
    await sink.endStream?.(streamOf(frame));
    const lines = await readManifest(join(dir, "m", frame.recording.id, "100-webcam.ndjson"));
    expect(lines.map((line) => line.seq)).toEqual([0]);
  });

  it("rejects a manifestPath that does not identify the stream", () => {
    const result = fsSink.options.safeParse({ dir: "x", manifest: true, manifestPath: "{recording.id}.ndjson" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain("{participant.id}, {type}");
  });

  it("endGroup finishes the manifests of the group's streams", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir, manifest: true });
    const frame = createTestFrame();
    await sink.write(frame);
    await sink.endGroup?.({
      key: groupKeyOf(frame.recording.id, 100),
      recordingId: frame.recording.id,
      participantId: 100,
      reason: "leave",
    });
    expect(await walkFiles(dir)).toContain(`${frame.recording.id}/100-webcam/manifest.ndjson`);
  });

  it("writes no manifest when manifest is false", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir });
    const frame = createTestFrame();
    await sink.write(frame);
    await sink.endStream?.(streamOf(frame));
    await sink.close?.();
    expect((await walkFiles(dir)).some((file) => file.endsWith(".ndjson"))).toBe(false);
  });
});

describe("fs sink: options", () => {
  it("defaults", () => {
    expect(fsSink.options.parse({ dir: "frames" })).toEqual({
      dir: "frames",
      path: "{recording.id}/{participant.id}-{type}/{seq}.{ext}",
      overwrite: false,
      manifest: false,
      fsync: false,
      retryFor: 5 * 60_000,
    });
  });

  it.each([
    [{ dir: "" }, "dir"],
    [{ dir: "x", path: "../{seq}" }, "path"],
    [{ dir: "x", path: "{nope}" }, "path"],
    [{ dir: "x", fileMode: "rw-r--r--" }, "fileMode"],
    [{ dir: "x", fileMode: 420 }, "fileMode"],
    [{ dir: "x", overwrite: "yes" }, "overwrite"],
  ])("rejects %j", (options, key) => {
    const result = fsSink.options.safeParse(options);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0])).toContain(key);
  });

  it("parses octal modes", () => {
    expect(fsSink.options.parse({ dir: "x", fileMode: "640", dirMode: "0750" })).toMatchObject({
      fileMode: 0o640,
      dirMode: 0o750,
    });
  });

  it("is created from a plain folder", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "already"));
    const sink = await createSink({ dir: join(dir, "already") });
    expect(typeof sink.write).toBe("function");
  });
});
