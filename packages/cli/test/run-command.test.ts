import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCommand, runExitCodes } from "../src/commands/run-command.js";
import { captureOutput } from "./support/capture-output.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}/pipeline.yaml`, import.meta.url));

describe("framepipe run", () => {
  it("runs a finite pipeline to completion and prints the summary", async () => {
    const output = captureOutput();
    const code = await runCommand(fixture("local-plugins"), { status: false, signals: new EventEmitter() }, output);
    expect(code).toBe(runExitCodes.ok);
    // 2 participants × 5 frames × 2 types in; the filter keeps the 10 webcam frames.
    expect(output.stderr()).toMatch(/received\s+20 frames/);
    expect(output.stderr()).toMatch(/written\s+10 to counter/);
    expect(output.stderr()).toMatch(/dropped\s+10 filtered/);
  });

  it("runs dedupe-similar from @framepipe/transform-resize without a plugins: entry for it", async () => {
    const output = captureOutput();
    const code = await runCommand(fixture("similar-frames"), { status: false, signals: new EventEmitter() }, output);
    expect(code).toBe(runExitCodes.ok);
    // The test frames of a stream differ only in one pixel row (their seq): each of the 4 streams
    // keeps its first frame and skips the 4 look-alikes.
    expect(output.stderr()).toMatch(/received\s+20 frames/);
    expect(output.stderr()).toMatch(/written\s+4 to counter/);
    expect(output.stderr()).toMatch(/dropped\s+16 filtered/);
  });

  it("exits 1 listing the problems of an invalid config, without starting anything", async () => {
    const output = captureOutput();
    const code = await runCommand(fixture("broken"), { status: false, signals: new EventEmitter() }, output);
    expect(code).toBe(runExitCodes.failed);
    expect(output.stderr()).toMatch(/runtime\.overflow/);
  });
});

describe("framepipe run signals", () => {
  it("drains on the first SIGTERM and exits 0 with everything written", async () => {
    const output = captureOutput();
    const signals = new EventEmitter();
    const hooks = globalThis as { fixtureWritten?: (count: number) => void };
    hooks.fixtureWritten = (count) => {
      if (count === 10) signals.emit("SIGTERM");
    };
    try {
      const code = await runCommand(fixture("held-open"), { status: false, signals }, output);
      expect(code).toBe(runExitCodes.ok);
      expect(output.stderr()).toMatch(/stopped \(SIGTERM\)/);
      expect(output.stderr()).toMatch(/written\s+10 to counter/);
      expect(output.stderr()).toMatch(/unwritten\s+0/);
    } finally {
      delete hooks.fixtureWritten;
    }
  });
});
