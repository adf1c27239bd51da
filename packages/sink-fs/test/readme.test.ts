import { readFileSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defineSource, loadPipelineConfig } from "@framepipe/core";
import { optionsTable, tableRows, withOptionsTable } from "@framepipe/testing";
import { EMPTY } from "rxjs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fsSink } from "../src/index.js";
import { tempDir } from "./support/temp-dir.js";

const readmeUrl = new URL("../README.md", import.meta.url);

describe("README.md", () => {
  it("has the options table generated from the schema (UPDATE_README=1 regenerates it)", () => {
    const readme = readFileSync(readmeUrl, "utf8");
    const table = optionsTable(fsSink);
    const stale = JSON.stringify(tableRows(readme)) !== JSON.stringify(tableRows(table));
    if (process.env.UPDATE_README === "1" && stale) writeFileSync(readmeUrl, withOptionsTable(readme, table));
    else
      expect(
        tableRows(readme),
        "stale options table: run UPDATE_README=1 npx vitest run --project sink-fs readme",
      ).toEqual(tableRows(table));
    expect(
      tableRows(table)
        .slice(1)
        .map((row) => row[0]),
    ).toEqual(Object.keys(fsSink.options.shape).map((key) => `\`${key}\``));
  });

  it("shows a config snippet that validates", async () => {
    const readme = readFileSync(readmeUrl, "utf8");
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toContain("type: fs");
    const file = join(await tempDir(), "pipeline.yaml");
    await writeFile(file, yaml ?? "");
    // The snippet's source is the websocket plugin; a stand-in accepts its options.
    const websocket = defineSource({
      type: "websocket",
      summary: "stand-in",
      options: z.strictObject({ port: z.number().int().describe("port"), token: z.string().describe("token") }),
      create: () => ({ events$: EMPTY }),
    });
    const result = await loadPipelineConfig(file, {
      plugins: [websocket, fsSink],
      env: { FRAMEPIPE_TOKEN: "dev-token-123" },
    });
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.config.sinks[0]?.options).toMatchObject({ dir: "./frames", manifest: true });
  });
});
