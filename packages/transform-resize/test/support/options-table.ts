import { type AnyPluginDefinition, describePluginOptions, type PluginOptionDescription } from "@framepipe/core";
import { dedupeSimilarTransform } from "../../src/dedupe-similar-transform.js";
import { resizeTransform } from "../../src/resize-transform.js";

/** The plugins whose options README.md documents, each in its own generated table. */
export const documentedPlugins: readonly AnyPluginDefinition[] = [resizeTransform, dedupeSimilarTransform];

/** Markers around the generated table of one plugin in README.md. */
export function tableMarkers(definition: AnyPluginDefinition): { readonly start: string; readonly end: string } {
  return {
    start: `<!-- options-table ${definition.type}:start (generated from the schema; see test/readme.test.ts) -->`,
    end: `<!-- options-table ${definition.type}:end -->`,
  };
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function defaultText(option: PluginOptionDescription): string {
  if (option.required) return "required";
  if (option.default === undefined) return "unset";
  const value = typeof option.default === "string" ? option.default : JSON.stringify(option.default);
  return `\`${cell(value)}\``;
}

/** The README options table of a plugin, from its zod schema's descriptions. */
export function renderOptionsTable(definition: AnyPluginDefinition): string {
  const rows = describePluginOptions(definition).map(
    (option) =>
      `| \`${option.name}\` | ${cell(option.type)} | ${defaultText(option)} | ${cell(option.description ?? "")} |`,
  );
  return ["| Option | Type | Default | Description |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/**
 * The cells of a Markdown table, row by row, without the separator row: formatters (biome)
 * re-align columns, which changes the whitespace but not the table.
 */
export function tableCells(markdown: string): string[][] {
  return markdown
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("|"))
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .filter((cells) => !cells.every((cell) => /^:?-+:?$/.test(cell)));
}

/** The text between a plugin's markers in `readme`; undefined when the markers are missing. */
export function committedTable(readme: string, definition: AnyPluginDefinition): string | undefined {
  const { start, end } = tableMarkers(definition);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  return from < 0 || to < from ? undefined : readme.slice(from + start.length, to);
}

/** Replaces the table between each documented plugin's markers of `readme` with a fresh one. */
export function withFreshTables(readme: string): string {
  let updated = readme;
  for (const definition of documentedPlugins) {
    const { start, end } = tableMarkers(definition);
    const from = updated.indexOf(start);
    const to = updated.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md lacks the options-table markers of ${definition.type}`);
    updated = `${updated.slice(0, from + start.length)}\n${renderOptionsTable(definition)}\n${updated.slice(to)}`;
  }
  return updated;
}
