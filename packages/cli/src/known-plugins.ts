import { type AnyPluginDefinition, formatConfigProblems, loadConfigPlugins } from "@framepipe/core";
import type { CliOutput } from "./cli-output.js";
import { officialPlugins } from "./official-plugins.js";

/**
 * The plugins `schema` and `plugins` describe: the official ones, plus, with `--config`, the
 * config's own `plugins:` modules. A config plugin whose kind and type an official plugin already
 * has is left out, as a run would never use it (built-ins resolve first). Problems loading the
 * list are printed; the caller exits 1 when there were any.
 */
export async function knownPlugins(
  configFile: string | undefined,
  output: CliOutput,
): Promise<{ definitions: AnyPluginDefinition[]; ok: boolean }> {
  const definitions = [...officialPlugins()];
  if (configFile === undefined) return { definitions, ok: true };
  const listed = await loadConfigPlugins(configFile);
  if (listed.problems.length > 0) output.error(formatConfigProblems(listed.problems));
  const taken = new Set(definitions.map((definition) => `${definition.kind}:${definition.type}`));
  for (const definition of listed.definitions) {
    const key = `${definition.kind}:${definition.type}`;
    if (taken.has(key)) {
      output.error(`${configFile}: ${definition.kind} \`${definition.type}\` is shadowed by the built-in of that name`);
      continue;
    }
    taken.add(key);
    definitions.push(definition);
  }
  return { definitions, ok: listed.problems.length === 0 };
}
