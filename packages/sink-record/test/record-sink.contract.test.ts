import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compilePathTemplate, type VideoFrame } from "@framepipe/core";
import { sinkContract } from "@framepipe/testing";
import { afterAll, describe, expect, it } from "vitest";
import recordSink, { DEFAULT_GZIP_PATH_TEMPLATE, DEFAULT_PATH_TEMPLATE } from "../src/index.js";
import { readFrames } from "./support/read-recording.js";

// One root for the whole suite: every contract check uses its own recording id.
const dir = mkdtempSync(join(tmpdir(), "framepipe-sink-record-contract-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A recording has no `seq` (Recall sends none): a frame is found by its stream and its relative
 * timestamp, which the contract's frames make unique per stream.
 */
function readBackFrom(template: string) {
  const compiled = compilePathTemplate(template);
  return async (frame: VideoFrame): Promise<Buffer | null> => {
    const frames = await readFrames(join(dir, compiled.render(frame))).catch(() => []);
    const found = frames.find(
      (stored) =>
        stored.participant.id === frame.participant.id &&
        stored.type === frame.type &&
        stored.timestamp.relative === frame.timestamp.relative,
    );
    return found ? found.image.data : null;
  };
}

sinkContract({
  it,
  describe,
  expect,
  definition: recordSink,
  validOptions: { dir },
  readBack: readBackFrom(DEFAULT_PATH_TEMPLATE),
});
sinkContract({
  it,
  describe,
  expect,
  name: "sink contract (record, gzip, one open file)",
  definition: recordSink,
  validOptions: { dir, gzip: true, maxOpenFiles: 1 },
  readBack: readBackFrom(DEFAULT_GZIP_PATH_TEMPLATE),
});
