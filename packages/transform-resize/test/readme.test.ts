import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { resizeTransform } from "../src/resize-transform.js";
import { renderOptionsTable, tableCells, tableEnd, tableStart } from "./support/options-table.js";

const readmeUrl = new URL("../README.md", import.meta.url);

describe("README", () => {
  it("has the options table the schema describes (regenerate: npx tsx packages/transform-resize/scripts/update-readme.ts)", async () => {
    const readme = await readFile(readmeUrl, "utf8");
    const start = readme.indexOf(tableStart);
    const end = readme.indexOf(tableEnd);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    expect(tableCells(readme.slice(start + tableStart.length, end))).toEqual(tableCells(renderOptionsTable()));
  });

  it("lists every option of the schema in the table", () => {
    const table = renderOptionsTable();
    const shape = (resizeTransform.options as unknown as { shape: Record<string, unknown> }).shape;
    for (const name of Object.keys(shape)) expect(table).toContain(`| \`${name}\` |`);
  });

  it("starts with the package name and states the plugin type", async () => {
    const readme = await readFile(readmeUrl, "utf8");
    expect(readme.startsWith("# @framepipe/transform-resize\n")).toBe(true);
    expect(readme).toContain("type: resize");
  });
});
