import { type AnyPluginDefinition, describePluginOptions } from "@framepipe/core";
import type { CliOutput } from "../cli-output.js";
import { officialPlugins } from "../official-plugins.js";

/** `framepipe plugins [--json]`: every known plugin with its summary and options. */
export async function pluginsCommand(options: { json?: boolean }, output: CliOutput): Promise<number> {
  const definitions = [...officialPlugins()].sort(
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
    return 0;
  }
  if (definitions.length === 0) {
    output.out("no plugins are installed");
    return 0;
  }
  output.out(definitions.map(formatPlugin).join("\n\n"));
  return 0;
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
