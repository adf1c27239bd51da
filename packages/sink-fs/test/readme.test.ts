import { loadReadmeSnippet, readmeOptionsTables, standInPlugin } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fsSink } from "../src/index.js";

const readmeUrl = new URL("../README.md", import.meta.url);

describe("README.md", () => {
  it("has the options table generated from the schema (UPDATE_README=1 regenerates it)", async () => {
    const tables = await readmeOptionsTables(readmeUrl, fsSink);
    expect(
      tables.documented,
      "stale options table: run UPDATE_README=1 npx vitest run --project sink-fs readme",
    ).toEqual(tables.generated);
    expect(tables.listedOptions).toEqual(Object.keys(fsSink.options.shape));
  });

  it("shows a config snippet that validates", async () => {
    // Stand-ins accept the options the snippet gives the other packages' plugins.
    const { yaml, result } = await loadReadmeSnippet(readmeUrl, {
      plugins: [standInPlugin("source", "websocket", { port: z.number().int(), token: z.string() }), fsSink],
      env: { FRAMEPIPE_TOKEN: "dev-token-123" },
    });
    expect(yaml).toContain("type: fs");
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.config.sinks[0]?.options).toMatchObject({ dir: "./frames", manifest: true });
  });
});
