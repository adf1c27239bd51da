import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AnyPluginDefinition,
  type ConfigLoadResult,
  defineSink,
  defineSource,
  loadPipelineConfig,
} from "@framepipe/core";
import { EMPTY } from "rxjs";
import { z } from "zod";
import { optionsTable, tableRows, withOptionsTable } from "./readme-options-table.js";

/** A README's options table beside the one its plugin's schema generates. */
export interface ReadmeOptionsTables {
  /** Rows of the table in the README (cells trimmed). */
  readonly documented: string[][];
  /** Rows of the table the schema generates. */
  readonly generated: string[][];
  /** Option names the generated table lists, in order, without backticks. */
  readonly listedOptions: string[];
}

/**
 * Reads the options table of a plugin package's README.md and generates the one its schema
 * describes. With `UPDATE_README=1` in the environment a stale README is rewritten first, so the
 * two come back equal. A test asserts `documented` equals `generated`, and `listedOptions` the
 * schema's keys.
 *
 * @example
 * const tables = await readmeOptionsTables(new URL("../README.md", import.meta.url), fsSink);
 * expect(tables.documented, "stale: UPDATE_README=1 npx vitest run readme").toEqual(tables.generated);
 */
export async function readmeOptionsTables(
  readmeUrl: URL,
  definition: AnyPluginDefinition,
): Promise<ReadmeOptionsTables> {
  let readme = await readFile(readmeUrl, "utf8");
  const table = optionsTable(definition);
  const generated = tableRows(table);
  if (process.env.UPDATE_README === "1" && JSON.stringify(tableRows(readme)) !== JSON.stringify(generated)) {
    readme = withOptionsTable(readme, table);
    await writeFile(readmeUrl, readme);
  }
  return {
    documented: tableRows(readme),
    generated,
    listedOptions: generated.slice(1).map((row) => (row[0] ?? "").replaceAll("`", "")),
  };
}

/** What {@link loadReadmeSnippet} loads the snippet with. */
export interface ReadmeSnippetOptions {
  /** The package's plugin, and stand-ins (see {@link standInPlugin}) for the other plugins the snippet names. */
  readonly plugins: readonly AnyPluginDefinition[];
  /** Environment for `${VAR}` interpolation. Default: none. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Loads the first ```yaml block of a README as a pipeline config file, as `framepipe validate`
 * would, and returns the block and the result. Plugins resolve only from `options.plugins`.
 */
export async function loadReadmeSnippet(
  readmeUrl: URL,
  options: ReadmeSnippetOptions,
): Promise<{ yaml: string; result: ConfigLoadResult }> {
  const yaml = /```yaml\n([\s\S]*?)```/.exec(await readFile(readmeUrl, "utf8"))?.[1] ?? "";
  const folder = await mkdtemp(join(tmpdir(), "framepipe-readme-"));
  try {
    const file = join(folder, "pipeline.yaml");
    await writeFile(file, yaml);
    const result = await loadPipelineConfig(file, { plugins: [...options.plugins], env: { ...options.env } });
    return { yaml, result };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * A plugin that only accepts the options given (each a zod schema) and does nothing: it stands in
 * for another package's plugin that a README snippet names, so the snippet validates without it.
 */
export function standInPlugin(
  kind: "source" | "sink",
  type: string,
  shape: Readonly<Record<string, z.ZodType>>,
): AnyPluginDefinition {
  const options = z.strictObject(
    Object.fromEntries(Object.entries(shape).map(([name, schema]) => [name, schema.describe(name)])),
  );
  return kind === "source"
    ? defineSource({ type, summary: "stand-in", options, create: () => ({ events$: EMPTY }) })
    : defineSink({ type, summary: "stand-in", options, create: () => ({ write: () => undefined }) });
}
