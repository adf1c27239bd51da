import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compilePathTemplate, type VideoFrame } from "@framepipe/core";
import { sinkContract } from "@framepipe/testing";
import { afterAll, describe, expect, it } from "vitest";
import fsSink, { DEFAULT_PATH_TEMPLATE } from "../src/index.js";

// One root for the whole suite: every contract check uses its own recording id.
const dir = mkdtempSync(join(tmpdir(), "framepipe-sink-fs-contract-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const template = compilePathTemplate(DEFAULT_PATH_TEMPLATE);

async function readBack(frame: VideoFrame): Promise<Buffer | null> {
  return readFile(join(dir, template.render(frame))).catch(() => null);
}

sinkContract({ it, describe, expect, definition: fsSink, validOptions: { dir }, readBack });
sinkContract({
  it,
  describe,
  expect,
  name: "sink contract (fs, manifest and fsync on)",
  definition: fsSink,
  validOptions: { dir, manifest: true, fsync: true },
  readBack,
});
