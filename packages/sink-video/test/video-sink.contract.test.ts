import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sinkContract } from "@framepipe/testing";
import { afterAll, describe, expect, it } from "vitest";
import videoSink from "../src/index.js";

// One root for the whole suite: every contract check uses its own recording id. A video holds
// encoded pictures, not the frames' bytes, so there is no readBack: the other tests decode the
// files with ffprobe.
const dir = mkdtempSync(join(tmpdir(), "framepipe-sink-video-contract-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

sinkContract({ it, describe, expect, definition: videoSink, validOptions: { dir } });
sinkContract({
  it,
  describe,
  expect,
  name: "sink contract (video, webm)",
  definition: videoSink,
  validOptions: { dir, format: "webm" },
});
