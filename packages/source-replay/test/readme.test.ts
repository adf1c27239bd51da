import { loadReadmeSnippet, readmeOptionsTables, standInPlugin } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { replaySource } from "../src/index.js";

const readmeUrl = new URL("../README.md", import.meta.url);

describe("README.md", () => {
  it("has the options table generated from the schema (UPDATE_README=1 regenerates it)", async () => {
    const tables = await readmeOptionsTables(readmeUrl, replaySource);
    expect(
      tables.documented,
      "stale options table: run UPDATE_README=1 npx vitest run --project source-replay readme",
    ).toEqual(tables.generated);
    expect(tables.listedOptions).toEqual(Object.keys(replaySource.options.shape));
  });

  it("shows a config snippet that validates", async () => {
    // Stand-ins accept the options the snippet gives the other packages' plugins.
    const { yaml, result } = await loadReadmeSnippet(readmeUrl, {
      plugins: [standInPlugin("sink", "fs", { dir: z.string() }), replaySource],
      env: {},
    });
    expect(yaml).toContain("type: replay");
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.config.sources[0]?.options).toMatchObject({ files: "./recordings", speed: 1 });
  });
});
