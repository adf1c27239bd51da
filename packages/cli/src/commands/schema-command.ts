import { writeFile } from "node:fs/promises";
import { buildConfigJsonSchema } from "@framepipe/core";
import type { CliOutput } from "../cli-output.js";
import { officialPlugins } from "../official-plugins.js";

/**
 * `framepipe schema [--output file]`: the JSON Schema of a whole pipeline file, every known
 * plugin's options included, for editor completion via `# yaml-language-server: $schema=…`.
 */
export async function schemaCommand(options: { output?: string }, output: CliOutput): Promise<number> {
  const schema = buildConfigJsonSchema(officialPlugins());
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  if (options.output) {
    await writeFile(options.output, text);
    output.error(`wrote ${options.output}`);
  } else {
    output.out(text);
  }
  return 0;
}
