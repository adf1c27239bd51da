import { type AnyPluginDefinition, describePluginOptions } from "@framepipe/core";

/**
 * Markers around the generated options table in a plugin package's README.md. Plugin packages keep
 * the table in sync with their zod schema by a test that compares {@link tableRows} of the README
 * with those of {@link optionsTable}.
 */
export const TABLE_START = "<!-- options:start (generated from the zod schema; see test/readme.test.ts) -->";
export const TABLE_END = "<!-- options:end -->";

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** The README options table of a plugin, from its schema's descriptions. */
export function optionsTable(definition: AnyPluginDefinition): string {
  const rows = describePluginOptions(definition).map((option) => {
    const fallback = option.required
      ? "**required**"
      : option.default === undefined
        ? ""
        : `\`${JSON.stringify(option.default)}\``;
    return `| \`${option.name}\` | ${cell(option.type)} | ${cell(fallback)} | ${cell(option.description ?? "")} |`;
  });
  return ["| option | type | default | description |", "|---|---|---|---|", ...rows].join("\n");
}

/**
 * The rows of the Markdown table between the markers, as trimmed cells, separator rows left out.
 * Comparing cells rather than text lets a formatter pad the columns.
 */
export function tableRows(markdown: string): string[][] {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  const body = start === -1 || end < start ? markdown : markdown.slice(start + TABLE_START.length, end);
  return body
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("|"))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    )
    .filter((cells) => !cells.every((cell) => /^:?-+:?$/.test(cell)));
}

/** `readme` with the text between the markers replaced by `table`. */
export function withOptionsTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`README.md needs the markers ${TABLE_START} and ${TABLE_END}`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}
