import { readmeOptionsTables } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { websocketSource, websocketSourceOptionsSchema } from "../src/index.js";

const readmeUrl = new URL("../README.md", import.meta.url);

describe("README.md", () => {
  it("has the options table generated from the schema (UPDATE_README=1 regenerates it)", async () => {
    const tables = await readmeOptionsTables(readmeUrl, websocketSource);
    expect(
      tables.documented,
      "stale options table: run UPDATE_README=1 npx vitest run --project source-websocket readme",
    ).toEqual(tables.generated);
    expect(tables.listedOptions).toEqual(Object.keys(websocketSourceOptionsSchema.shape));
  });
});
