import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineSource, loadPipelineConfig } from "@framepipe/core";
import { optionsTable, tableRows, withOptionsTable } from "@framepipe/testing";
import { EMPTY } from "rxjs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { previewSink } from "../src/index.js";

const readmeUrl = new URL("../README.md", import.meta.url);

/** Stand-ins for the sources the snippets name: they accept the options shown. */
const standIns = [
  defineSource({
    type: "websocket",
    summary: "stand-in",
    options: z.strictObject({ port: z.number().int(), token: z.string() }),
    create: () => ({ events$: EMPTY }),
  }),
];

describe("README.md", () => {
  it("has the options table generated from the schema (UPDATE_README=1 regenerates it)", () => {
    const readme = readFileSync(readmeUrl, "utf8");
    const table = optionsTable(previewSink);
    const stale = JSON.stringify(tableRows(readme)) !== JSON.stringify(tableRows(table));
    if (process.env.UPDATE_README === "1" && stale) writeFileSync(readmeUrl, withOptionsTable(readme, table));
    else
      expect(
        tableRows(readme),
        "stale options table: run UPDATE_README=1 npx vitest run --project sink-preview readme",
      ).toEqual(tableRows(table));
    expect(
      tableRows(table)
        .slice(1)
        .map((row) => row[0]),
    ).toEqual(Object.keys(previewSink.options.shape).map((key) => `\`${key}\``));
  });

  it("shows a config snippet that validates", async () => {
    const readme = readFileSync(readmeUrl, "utf8");
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toContain("type: preview");
    const file = join(await mkdtemp(join(tmpdir(), "framepipe-preview-readme-")), "pipeline.yaml");
    await writeFile(file, yaml ?? "");
    const result = await loadPipelineConfig(file, {
      plugins: [...standIns, previewSink],
      env: { FRAMEPIPE_TOKEN: "a-long-enough-token" },
    });
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.config.sinks[0]?.options).toMatchObject({ path: "/preview", fps: 1 });
  });
});
