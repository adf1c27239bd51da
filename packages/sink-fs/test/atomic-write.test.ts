import * as fs from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { createSilentLogger, FramepipeError, type LogFunction, withImage } from "@framepipe/core";
import { createTestContext, createTestFrame } from "@framepipe/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isTemporaryName, temporaryPathFor } from "../src/atomic-write.js";
import { fsSink } from "../src/index.js";
import { tempDir, walkFiles } from "./support/temp-dir.js";

vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  return { ...actual, write: vi.fn(actual.write), link: vi.fn(actual.link) };
});

const actual = await vi.importActual<typeof import("node:fs")>("node:fs");

afterEach(() => {
  vi.mocked(fs.write).mockImplementation(actual.write);
  vi.mocked(fs.link).mockImplementation(actual.link);
});

type WriteCallback = (error: NodeJS.ErrnoException | null, written: number, buffer: Uint8Array) => void;

const twelveMiB = 12 * 1024 * 1024;

function largeFrame(seq = 0) {
  const data = Buffer.alloc(twelveMiB);
  for (let offset = 0; offset < data.length; offset += 4096) data.writeUInt32BE(offset ^ (seq + 1), offset);
  return withImage(createTestFrame({ seq }), { data, format: "png", width: 1280, height: 720 });
}

async function createSink(options: Record<string, unknown>, warn?: LogFunction) {
  const logger = warn ? { ...createSilentLogger(), warn } : createSilentLogger();
  return fsSink.create(fsSink.options.parse(options), createTestContext({ type: "fs", componentId: "disk", logger }));
}

/** Promise plus its resolver. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("atomic writes", () => {
  it("a file is invisible under its name until it is complete (writer paused half-way)", async () => {
    const dir = await tempDir();
    const halfWritten = gate();
    const resume = gate();
    // The first write(2) is short: half the bytes land, then the writer waits. The sink must
    // write the rest itself, and nothing may appear under the final name meanwhile.
    const shortWrite = (
      descriptor: number,
      data: Uint8Array,
      offset: number,
      length: number,
      position: null,
      callback: WriteCallback,
    ) => {
      actual.write(descriptor, data, offset, Math.floor(length / 2), position, (error, written) => {
        halfWritten.open();
        void resume.promise.then(() => callback(error, written, data));
      });
    };
    vi.mocked(fs.write).mockImplementationOnce(shortWrite as unknown as typeof fs.write);
    const sink = await createSink({ dir, path: "{seq}.{ext}" });
    const frame = largeFrame();
    const writing = sink.write(frame);
    await halfWritten.promise;

    const during = await readdir(dir);
    expect(during).toHaveLength(1);
    const [temporary] = during;
    expect(isTemporaryName(temporary!)).toBe(true);
    expect(temporary!.startsWith(".000000.png.")).toBe(true);
    expect((await stat(join(dir, temporary!))).size).toBe(twelveMiB / 2);
    await expect(stat(join(dir, "000000.png"))).rejects.toMatchObject({ code: "ENOENT" });

    resume.open();
    await writing;
    expect(await readdir(dir)).toEqual(["000000.png"]);
    expect((await readFile(join(dir, "000000.png"))).equals(frame.image.data)).toBe(true);
  });

  it("a reader watching the folder never sees a partial file under the final name", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir, path: "{participant.id}.{ext}", overwrite: true });
    const frames = [largeFrame(0), largeFrame(1)];
    const target = join(dir, "100.png");
    const seen: Array<"none" | "first" | "second" | "partial"> = [];
    const check = async () => {
      const content = await readFile(target).catch(() => null);
      if (content === null) seen.push("none");
      else if (content.equals(frames[0]!.image.data)) seen.push("first");
      else if (content.equals(frames[1]!.image.data)) seen.push("second");
      else seen.push("partial");
    };
    // One reader: checks run one after another (each reads 12 MiB), from the polling loop and
    // from every watch event naming the target.
    let reading = Promise.resolve();
    const read = () => {
      reading = reading.then(check);
      return reading;
    };
    let targetEvents = 0;
    const watcher = fs.watch(dir, (_event, name) => {
      if (name !== "100.png") return;
      targetEvents += 1;
      void read();
    });
    try {
      let done = false;
      // The same name twice: the second write replaces a complete file with another complete one.
      const writing = (async () => {
        for (const frame of frames) await sink.write(frame);
      })().finally(() => {
        done = true;
      });
      while (!done) await read();
      await writing;
      await read();
    } finally {
      watcher.close();
    }
    expect(targetEvents).toBeGreaterThan(0);
    expect(seen).not.toContain("partial");
    expect(seen.at(-1)).toBe("second");
    expect(await walkFiles(dir)).toEqual(["100.png"]);
  });

  it("removes the temporary file when a write fails", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir, path: "{participant.id}.{ext}" });
    await sink.write(createTestFrame({ seq: 0 }));
    await expect(sink.write(createTestFrame({ seq: 1 }))).rejects.toSatisfy(FramepipeError.isInstance);
    expect(await readdir(dir)).toEqual(["100.png"]);
  });
});

describe("failed writes", () => {
  it("a failing write(2) fails the frame with its reason and leaves no temporary file", async () => {
    const dir = await tempDir();
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    const failingWrite = (_descriptor: number, data: Uint8Array, ...rest: unknown[]) => {
      const callback = rest.at(-1) as WriteCallback;
      callback(full, 0, data);
    };
    vi.mocked(fs.write).mockImplementationOnce(failingWrite as unknown as typeof fs.write);
    const sink = await createSink({ dir, path: "{seq}.{ext}" });
    const error = await Promise.resolve(sink.write(createTestFrame({ seq: 0 }))).then(
      () => null,
      (reason: unknown) => reason as FramepipeError,
    );
    expect(FramepipeError.isInstance(error)).toBe(true);
    expect(error?.message).toContain("no space left on the device");
    expect(error?.cause).toBe(full);
    expect(await readdir(dir)).toEqual([]);
    // The descriptor was closed: the next frame writes normally.
    await sink.write(createTestFrame({ seq: 1 }));
    expect(await readdir(dir)).toEqual(["000001.png"]);
  });
});

describe("temporary names", () => {
  it("are hidden, in the target's folder, recognisable, and distinct from one write to the next", () => {
    const target = join("/srv", "frames", "rec", "000001.png");
    const first = temporaryPathFor(target);
    const second = temporaryPathFor(target);
    expect(first).not.toBe(second);
    for (const temporary of [first, second]) {
      expect(temporary.startsWith(join("/srv", "frames", "rec", ".000001.png."))).toBe(true);
      expect(isTemporaryName(basename(temporary))).toBe(true);
    }
  });

  it("keep only the start of a long name", () => {
    const name = `${"é".repeat(200)}.png`;
    const temporary = temporaryPathFor(join("/srv", name));
    const temporaryName = basename(temporary);
    expect(temporaryName.startsWith(`.${"é".repeat(48)}.`)).toBe(true);
    expect(Buffer.byteLength(temporaryName)).toBeLessThan(255);
    expect(isTemporaryName(temporaryName)).toBe(true);
  });
});

describe("file systems without hard links", () => {
  it("fall back to check-then-rename, still refuse to replace a file, and warn once", async () => {
    const dir = await tempDir();
    const unsupported = Object.assign(new Error("EPERM: operation not permitted, link"), { code: "EPERM" });
    vi.mocked(fs.link).mockImplementation(((_existing: string, _target: string, callback: (error: Error) => void) =>
      callback(unsupported)) as unknown as typeof fs.link);
    const warnings: unknown[] = [];
    const warn = ((...args: unknown[]) => warnings.push(args)) as LogFunction;
    // No {seq} in the path: with it, an existing file would move the stream on instead of failing.
    const sink = await createSink({ dir, path: "{participant.id}-{timestamp.relative}.{ext}" }, warn);
    await sink.write(createTestFrame({ seq: 0 }));
    await sink.write(createTestFrame({ seq: 1 }));
    const error = await Promise.resolve(sink.write(createTestFrame({ seq: 1 }))).then(
      () => null,
      (reason: unknown) => reason as FramepipeError,
    );
    expect(error?.message).toContain('"100-500.png" already exists');
    expect(await walkFiles(dir)).toEqual(["100-0.png", "100-500.png"]);
    expect(await readdir(dir)).toHaveLength(2);
    expect(warnings).toHaveLength(1);
  });
});
