import { readFileSync, writeFileSync } from "node:fs";
import { optionsTable, tableRows, withOptionsTable } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { websocketSource, websocketSourceOptionsSchema } from "../src/index.js";

const readmeUrl = new URL("../README.md", import.meta.url);

describe("README.md", () => {
  it("has the options table generated from the schema (UPDATE_README=1 regenerates it)", () => {
    const readme = readFileSync(readmeUrl, "utf8");
    const table = optionsTable(websocketSource);
    const stale = JSON.stringify(tableRows(readme)) !== JSON.stringify(tableRows(table));
    if (process.env.UPDATE_README === "1" && stale) writeFileSync(readmeUrl, withOptionsTable(readme, table));
    else
      expect(
        tableRows(readme),
        "stale options table: run UPDATE_README=1 npx vitest run --project source-websocket readme",
      ).toEqual(tableRows(table));
    expect(
      tableRows(table)
        .slice(1)
        .map((row) => row[0]),
    ).toEqual(Object.keys(websocketSourceOptionsSchema.shape).map((key) => `\`${key}\``));
  });
});
