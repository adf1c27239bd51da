import { watch } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import * as fs from "node:fs/promises";
import { join } from "node:path";
import { createSilentLogger, FramepipeError, type LogFunction, withImage } from "@framepipe/core";
import { createTestContext, createTestFrame } from "@framepipe/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isTemporaryName } from "../src/atomic-write.js";
import { fsSink } from "../src/index.js";
import { tempDir, walkFiles } from "./support/temp-dir.js";

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return { ...actual, open: vi.fn(actual.open), link: vi.fn(actual.link) };
});

const actual = await vi.importActual<typeof import("node:fs/promises")>("node:fs/promises");

afterEach(() => {
  vi.mocked(fs.open).mockImplementation(actual.open);
  vi.mocked(fs.link).mockImplementation(actual.link);
});

const twelveMiB = 12 * 1024 * 1024;

function largeFrame(seq = 0) {
  const data = Buffer.alloc(twelveMiB);
  for (let offset = 0; offset < data.length; offset += 4096) data.writeUInt32BE(offset ^ (seq + 1), offset);
  return withImage(createTestFrame({ seq }), { data, format: "png", width: 1280, height: 720 });
}

async function createSink(options: Record<string, unknown>, warn?: LogFunction) {
  const logger = warn ? { ...createSilentLogger(), warn } : createSilentLogger();
  return fsSink.create(fsSink.options.parse(options), createTestContext({ componentId: "disk", logger }));
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
    vi.mocked(fs.open).mockImplementationOnce(async (...args: Parameters<typeof fs.open>) => {
      const handle = await actual.open(...args);
      return new Proxy(handle, {
        get(target, property) {
          if (property === "writeFile") {
            return async (data: Uint8Array) => {
              const half = Math.floor(data.byteLength / 2);
              await target.write(data, 0, half, 0);
              halfWritten.open();
              await resume.promise;
              await target.write(data, half, data.byteLength - half, half);
            };
          }
          const value = Reflect.get(target, property, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      }) as FileHandle;
    });
    const sink = await createSink({ dir, path: "{seq}.{ext}" });
    const frame = largeFrame();
    const writing = sink.write(frame);
    await halfWritten.promise;

    const during = await actual.readdir(dir);
    expect(during).toHaveLength(1);
    const [temporary] = during;
    expect(isTemporaryName(temporary!)).toBe(true);
    expect(temporary!.startsWith(".000000.png.")).toBe(true);
    expect((await actual.stat(join(dir, temporary!))).size).toBe(twelveMiB / 2);
    await expect(actual.stat(join(dir, "000000.png"))).rejects.toMatchObject({ code: "ENOENT" });

    resume.open();
    await writing;
    expect(await actual.readdir(dir)).toEqual(["000000.png"]);
    expect((await actual.readFile(join(dir, "000000.png"))).equals(frame.image.data)).toBe(true);
  });

  it("a reader watching the folder never sees a partial file under the final name", async () => {
    const dir = await tempDir();
    const sink = await createSink({ dir, path: "{participant.id}.{ext}", overwrite: true });
    const frames = [largeFrame(0), largeFrame(1)];
    const target = join(dir, "100.png");
    const seen: Array<"none" | "first" | "second" | "partial"> = [];
    const check = async () => {
      const content = await actual.readFile(target).catch(() => null);
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
    const watcher = watch(dir, (_event, name) => {
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
    expect(await actual.readdir(dir)).toEqual(["100.png"]);
  });
});

describe("file systems without hard links", () => {
  it("fall back to check-then-rename, still refuse to replace a file, and warn once", async () => {
    const dir = await tempDir();
    const unsupported = Object.assign(new Error("EPERM: operation not permitted, link"), { code: "EPERM" });
    vi.mocked(fs.link).mockRejectedValue(unsupported);
    const warnings: unknown[] = [];
    const warn = ((...args: unknown[]) => warnings.push(args)) as LogFunction;
    const sink = await createSink({ dir, path: "{participant.id}-{seq}.{ext}" }, warn);
    await sink.write(createTestFrame({ seq: 0 }));
    await sink.write(createTestFrame({ seq: 1 }));
    const error = await Promise.resolve(sink.write(createTestFrame({ seq: 1 }))).then(
      () => null,
      (reason: unknown) => reason as FramepipeError,
    );
    expect(error?.message).toContain('"100-000001.png" already exists');
    expect(await walkFiles(dir)).toEqual(["100-000000.png", "100-000001.png"]);
    expect(await actual.readdir(dir)).toHaveLength(2);
    expect(warnings).toHaveLength(1);
  });
});
