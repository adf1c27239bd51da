import { type AnyPluginDefinition, describePluginOptions } from "@framepipe/core";
import type { CliOutput } from "../cli-output.js";
import { knownPlugins } from "../known-plugins.js";

/**
 * `framepipe plugins [--json] [--config file]`: every known plugin with its summary and options
 * (with `--config`, the config's own `plugins:` too; exit 1 when some could not be loaded).
 */
export async function pluginsCommand(options: { json?: boolean; config?: string }, output: CliOutput): Promise<number> {
  const plugins = await knownPlugins(options.config, output);
  const exitCode = plugins.ok ? 0 : 1;
  const definitions = plugins.definitions.sort(
    (left, right) => left.kind.localeCompare(right.kind) || left.type.localeCompare(right.type),
  );
  if (options.json) {
    const described = definitions.map((definition) => ({
      kind: definition.kind,
      type: definition.type,
      summary: definition.summary,
      options: describePluginOptions(definition),
    }));
    output.out(JSON.stringify(described, null, 2));
    return exitCode;
  }
  if (definitions.length === 0) {
    output.out("no plugins are installed");
    return exitCode;
  }
  output.out(definitions.map(formatPlugin).join("\n\n"));
  return exitCode;
}

function formatPlugin(definition: AnyPluginDefinition): string {
  const lines = [`${definition.kind} ${definition.type}: ${definition.summary}`];
  for (const option of describePluginOptions(definition)) {
    const flags = [option.required ? "required" : "optional"];
    if (option.default !== undefined) flags.push(`default ${JSON.stringify(option.default)}`);
    if (option.secret) flags.push("secret");
    const description = option.description ? `  ${option.description}` : "";
    lines.push(`  ${option.name}  (${option.type}; ${flags.join(", ")})${description}`);
  }
  return lines.join("\n");
}
