import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { committedTable, documentedPlugins, renderOptionsTable, tableCells } from "./support/options-table.js";

const readmeUrl = new URL("../README.md", import.meta.url);

describe("README", () => {
  for (const definition of documentedPlugins) {
    it(`has the ${definition.type} options table the schema describes (regenerate: npx tsx packages/transform-resize/scripts/update-readme.ts)`, async () => {
      const committed = committedTable(await readFile(readmeUrl, "utf8"), definition);
      expect(committed, `markers of ${definition.type}`).toBeDefined();
      expect(tableCells(committed ?? "")).toEqual(tableCells(renderOptionsTable(definition)));
    });

    it(`lists every option of the ${definition.type} schema in its table`, () => {
      const table = renderOptionsTable(definition);
      const shape = (definition.options as unknown as { shape: Record<string, unknown> }).shape;
      for (const name of Object.keys(shape)) expect(table).toContain(`| \`${name}\` |`);
    });
  }

  it("starts with the package name and states each plugin type", async () => {
    const readme = await readFile(readmeUrl, "utf8");
    expect(readme.startsWith("# @framepipe/transform-resize\n")).toBe(true);
    for (const definition of documentedPlugins) expect(readme).toContain(`type: ${definition.type}`);
  });
});
