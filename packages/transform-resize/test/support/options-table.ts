import { describePluginOptions, type PluginOptionDescription } from "@framepipe/core";
import { resizeTransform } from "../../src/resize-transform.js";

/** Markers around the generated table in README.md. */
export const tableStart = "<!-- options-table:start (generated from the schema; see test/readme.test.ts) -->";
export const tableEnd = "<!-- options-table:end -->";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function defaultText(option: PluginOptionDescription): string {
  if (option.required) return "required";
  if (option.default === undefined) return "unset";
  const value = typeof option.default === "string" ? option.default : JSON.stringify(option.default);
  return `\`${cell(value)}\``;
}

/** The README options table of the resize transform, from its zod schema's descriptions. */
export function renderOptionsTable(): string {
  const rows = describePluginOptions(resizeTransform).map(
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

/** Replaces the table between the markers of `readme` with a fresh one. */
export function withFreshTable(readme: string): string {
  const start = readme.indexOf(tableStart);
  const end = readme.indexOf(tableEnd);
  if (start < 0 || end < start) throw new Error("README.md lacks the options-table markers");
  return `${readme.slice(0, start + tableStart.length)}\n${renderOptionsTable()}\n${readme.slice(end)}`;
}
