import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineSource, loadPipelineConfig } from "@framepipe/core";
import { optionsTable, tableRows, withOptionsTable } from "@framepipe/testing";
import { EMPTY } from "rxjs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import natsSink from "../src/index.js";

const readmeUrl = new URL("../README.md", import.meta.url);

describe("README.md", () => {
  it("has the options table generated from the schema (UPDATE_README=1 regenerates it)", async () => {
    const readme = await readFile(readmeUrl, "utf8");
    const table = optionsTable(natsSink);
    const stale = JSON.stringify(tableRows(readme)) !== JSON.stringify(tableRows(table));
    if (process.env.UPDATE_README === "1" && stale) await writeFile(readmeUrl, withOptionsTable(readme, table));
    else
      expect(
        tableRows(readme),
        "stale options table: run UPDATE_README=1 npx vitest run --project sink-nats readme",
      ).toEqual(tableRows(table));
    expect(
      tableRows(table)
        .slice(1)
        .map((row) => row[0]),
    ).toEqual(Object.keys(natsSink.options.shape).map((key) => `\`${key}\``));
  });

  it("shows a config snippet that validates", async () => {
    const readme = await readFile(readmeUrl, "utf8");
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toContain("type: nats");
    const folder = await mkdtemp(join(tmpdir(), "sink-nats-readme-"));
    try {
      const file = join(folder, "pipeline.yaml");
      await writeFile(file, yaml ?? "");
      const websocket = defineSource({
        type: "websocket",
        summary: "stand-in",
        options: z.strictObject({ port: z.number().int().describe("port"), token: z.string().describe("token") }),
        create: () => ({ events$: EMPTY }),
      });
      const result = await loadPipelineConfig(file, {
        plugins: [websocket, natsSink],
        env: { FRAMEPIPE_TOKEN: "dev-token-123" },
      });
      expect(result.ok ? [] : result.problems).toEqual([]);
      expect(result.ok && result.config.sinks[0]?.options).toMatchObject({
        servers: ["nats://nats-1:4222", "nats://nats-2:4222"],
        stream: "FRAMEPIPE_FRAMES",
        maxAge: 24 * 3600 * 1000,
        retryFor: 5 * 60 * 1000,
      });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
