import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestStream, sourceContract } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import replaySource, { type ReplaySourceInstance } from "../src/index.js";
import { writeRecording } from "./support/recordings.js";

const dir = mkdtempSync(join(tmpdir(), "framepipe-source-replay-contract-"));
const frames = createTestStream({ participants: 2, types: ["webcam", "screenshare"], frames: 3 });
beforeAll(async () => {
  await writeRecording(join(dir, "a.ndjson"), frames);
  await writeRecording(join(dir, "b.ndjson.gz"), frames, true);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Replays to the end; a paused source (the pause check drives it while paused) is left as it is. */
async function drive(source: ReplaySourceInstance | object): Promise<void> {
  const replay = source as ReplaySourceInstance;
  if (!replay.status().paused) await replay.finished;
}

sourceContract({
  it,
  describe,
  expect,
  definition: replaySource,
  validOptions: { files: dir, speed: "max" },
  drive,
  minimumEvents: frames.length * 2,
});
sourceContract({
  it,
  describe,
  expect,
  name: "source contract (replay, recorded pace ×1000)",
  definition: replaySource,
  validOptions: { files: [join(dir, "a.ndjson")], speed: 1000 },
  drive,
  minimumEvents: frames.length,
});
