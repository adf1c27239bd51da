import { writeFile } from "node:fs/promises";
import { buildConfigJsonSchema } from "@framepipe/core";
import type { CliOutput } from "../cli-output.js";
import { knownPlugins } from "../known-plugins.js";
import { formatJson } from "../scaffold/format-json.js";

/**
 * `framepipe schema [--output file] [--config file]`: the JSON Schema of a whole pipeline file,
 * every known plugin's options included (with `--config`, the config's own `plugins:` too), for
 * editor completion via `# yaml-language-server: $schema=…`. Exits 1 when the config's plugins
 * could not all be loaded (the schema is still written, without them).
 */
export async function schemaCommand(options: { output?: string; config?: string }, output: CliOutput): Promise<number> {
  const plugins = await knownPlugins(options.config, output);
  const schema = buildConfigJsonSchema(plugins.definitions);
  const text = formatJson(schema);
  if (options.output) {
    await writeFile(options.output, text);
    output.error(`wrote ${options.output}`);
  } else {
    output.out(text);
  }
  return plugins.ok ? 0 : 1;
}
