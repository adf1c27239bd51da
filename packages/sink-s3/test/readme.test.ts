import { loadReadmeSnippet, readmeOptionsTables, standInPlugin } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import s3Sink from "../src/index.js";

const readmeUrl = new URL("../README.md", import.meta.url);

describe("README.md", () => {
  it("has the options table generated from the schema (UPDATE_README=1 regenerates it)", async () => {
    const tables = await readmeOptionsTables(readmeUrl, s3Sink);
    expect(
      tables.documented,
      "stale options table: run UPDATE_README=1 npx vitest run --project sink-s3 readme",
    ).toEqual(tables.generated);
    expect(tables.listedOptions).toEqual(Object.keys(s3Sink.options.shape));
  });

  it("shows a config snippet that validates", async () => {
    // Stand-ins accept the options the snippet gives the other packages' plugins.
    const { yaml, result } = await loadReadmeSnippet(readmeUrl, {
      plugins: [standInPlugin("source", "websocket", { port: z.number().int(), token: z.string() }), s3Sink],
      env: { S3_ACCESS_KEY_ID: "id", S3_SECRET_ACCESS_KEY: "secret", FRAMEPIPE_TOKEN: "dev-token-123" },
    });
    expect(yaml).toContain("type: s3");
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.config.sinks[0]?.options).toMatchObject({
      bucket: "meeting-frames",
      endpoint: "http://127.0.0.1:7480",
      credentials: { accessKeyId: "id", secretAccessKey: "secret" },
      manifest: true,
    });
  });
});
