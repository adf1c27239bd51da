import { readFileSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defineSink, loadPipelineConfig } from "@framepipe/core";
import { optionsTable, tableRows, withOptionsTable } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { replaySource } from "../src/index.js";
import { tempDir } from "./support/temp-dir.js";

const readmeUrl = new URL("../README.md", import.meta.url);

/** A stand-in for the `fs` sink the snippet names: it accepts the options shown. */
const fsStandIn = defineSink({
  type: "fs",
  summary: "stand-in",
  options: z.strictObject({ dir: z.string() }),
  create: () => ({ write() {} }),
});

describe("README.md", () => {
  it("has the options table generated from the schema (UPDATE_README=1 regenerates it)", () => {
    const readme = readFileSync(readmeUrl, "utf8");
    const table = optionsTable(replaySource);
    const stale = JSON.stringify(tableRows(readme)) !== JSON.stringify(tableRows(table));
    if (process.env.UPDATE_README === "1" && stale) writeFileSync(readmeUrl, withOptionsTable(readme, table));
    else
      expect(
        tableRows(readme),
        "stale options table: run UPDATE_README=1 npx vitest run --project source-replay readme",
      ).toEqual(tableRows(table));
    expect(
      tableRows(table)
        .slice(1)
        .map((row) => row[0]),
    ).toEqual(Object.keys(replaySource.options.shape).map((key) => `\`${key}\``));
  });

  it("shows a config snippet that validates", async () => {
    const readme = readFileSync(readmeUrl, "utf8");
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toContain("type: replay");
    const file = join(await tempDir(), "pipeline.yaml");
    await writeFile(file, yaml ?? "");
    const result = await loadPipelineConfig(file, { plugins: [replaySource, fsStandIn] });
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.config.sources[0]?.options).toMatchObject({ files: "./recordings", speed: 1 });
  });
});
