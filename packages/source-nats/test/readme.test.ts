import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineSink, loadPipelineConfig } from "@framepipe/core";
import { optionsTable, tableRows, withOptionsTable } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import natsSource from "../src/index.js";

const readmeUrl = new URL("../README.md", import.meta.url);

describe("README.md", () => {
  it("has the options table generated from the schema (UPDATE_README=1 regenerates it)", async () => {
    const readme = await readFile(readmeUrl, "utf8");
    const table = optionsTable(natsSource);
    const stale = JSON.stringify(tableRows(readme)) !== JSON.stringify(tableRows(table));
    if (process.env.UPDATE_README === "1" && stale) await writeFile(readmeUrl, withOptionsTable(readme, table));
    else
      expect(
        tableRows(readme),
        "stale options table: run UPDATE_README=1 npx vitest run --project source-nats readme",
      ).toEqual(tableRows(table));
    expect(
      tableRows(table)
        .slice(1)
        .map((row) => row[0]),
    ).toEqual(Object.keys(natsSource.options.shape).map((key) => `\`${key}\``));
  });

  it("shows a config snippet that validates", async () => {
    const readme = await readFile(readmeUrl, "utf8");
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toContain("type: nats");
    const folder = await mkdtemp(join(tmpdir(), "source-nats-readme-"));
    try {
      const file = join(folder, "pipeline.yaml");
      await writeFile(file, yaml ?? "");
      const fs = defineSink({
        type: "fs",
        summary: "stand-in",
        options: z.strictObject({ dir: z.string().describe("dir"), path: z.string().describe("path") }),
        create: () => ({ write: () => undefined }),
      });
      const result = await loadPipelineConfig(file, { plugins: [natsSource, fs], env: {} });
      expect(result.ok ? [] : result.problems).toEqual([]);
      expect(result.ok && result.config.sources[0]?.options).toMatchObject({
        servers: ["nats://nats-1:4222", "nats://nats-2:4222"],
        durable: "framepipe-workers",
        maxAckPending: 256,
        ackWait: 30_000,
      });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
