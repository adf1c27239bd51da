import { resolve } from "node:path";
import { FramepipeError } from "../errors/framepipe-error.js";
import { type AnyPluginDefinition, isPluginDefinition } from "../plugin/define-plugin.js";
import { loadPluginModule } from "../plugin/load-plugin-module.js";
import { createPluginRegistry } from "../plugin/plugin-registry.js";
import { createPluginResolver, type LoadedPluginModule, type PluginResolver } from "../plugin/resolve-plugin.js";
import { builtinPlugins } from "../transforms/index.js";
import type { ConfigProblemCode } from "./config-problem.js";
import { describeValue } from "./expectation.js";
import type { ProblemCollector } from "./problem-collector.js";
import type { PluginLookupOptions } from "./validate-pipeline-config.js";

/** What the config's `plugins:` list provided. */
export interface ListedPlugins {
  readonly modules: LoadedPluginModule[];
  /** Definitions listed directly (code configs). */
  readonly definitions: AnyPluginDefinition[];
  /** Module specifiers, relative paths made absolute. */
  readonly specifiers: string[];
}

type ListedEntry =
  | { readonly index: number; readonly problem: string; readonly code?: ConfigProblemCode }
  | { readonly index: number; readonly specifier?: string; readonly definitions: readonly AnyPluginDefinition[] };

/** Loads every module under `plugins:` in parallel, reporting failures at their list entry. */
export async function loadListedPlugins(
  value: unknown,
  baseDir: string,
  problems: ProblemCollector,
): Promise<ListedPlugins> {
  const listed: ListedPlugins = { modules: [], definitions: [], specifiers: [] };
  if (value === undefined || value === null) return listed;
  if (!Array.isArray(value)) {
    problems.error(
      ["plugins"],
      `expected a list of plugin modules (paths or package names), got ${describeValue(value)}`,
    );
    return listed;
  }
  // Modules load in parallel; problems are recorded afterwards, in list order.
  const loads = value.map(async (item: unknown, index): Promise<ListedEntry> => {
    if (isPluginDefinition(item)) return { index, definitions: [item] };
    if (typeof item !== "string" || item === "") {
      return { index, problem: `expected a module path or package name, got ${describeValue(item)}` };
    }
    const loaded = await loadPluginModule(item, { from: baseDir });
    if (!loaded.ok) return { index, problem: loaded.message, code: loaded.code };
    return { index, specifier: item, definitions: loaded.definitions };
  });
  const definedBy = new Map<string, string>();
  for (const loaded of await Promise.all(loads)) {
    if ("problem" in loaded) {
      problems.error(["plugins", loaded.index], loaded.problem, { code: loaded.code ?? "CONFIG_INVALID" });
      continue;
    }
    const name = loaded.specifier ?? `plugins[${loaded.index}]`;
    for (const definition of loaded.definitions) {
      const key = `${definition.kind} \`${definition.type}\``;
      const earlier = definedBy.get(key);
      if (earlier !== undefined && earlier !== name) {
        problems.error(["plugins", loaded.index], `${name} defines ${key}, which ${earlier} already defines`, {
          code: "PLUGIN_INVALID",
        });
      }
      definedBy.set(key, name);
    }
    if (loaded.specifier === undefined) {
      listed.definitions.push(...loaded.definitions);
    } else {
      listed.modules.push({ specifier: loaded.specifier, definitions: loaded.definitions });
      listed.specifiers.push(isRelativePath(loaded.specifier) ? resolve(baseDir, loaded.specifier) : loaded.specifier);
    }
  }
  return listed;
}

function isRelativePath(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../");
}

/**
 * The resolver for a config: code plugins (including definitions listed in code configs), then
 * built-ins, packages and `plugins:` modules. Warns about module plugins that are shadowed.
 */
export function createConfigResolver(
  options: PluginLookupOptions,
  listed: ListedPlugins,
  baseDir: string,
  problems: ProblemCollector,
): PluginResolver {
  let registered = createPluginRegistry();
  try {
    registered = createPluginRegistry([...(options.plugins ?? []), ...listed.definitions]);
  } catch (error) {
    if (!FramepipeError.isInstance(error)) throw error;
    problems.error(["plugins"], error.message.replace(/^\[framepipe\] /, ""), { code: "PLUGIN_INVALID" });
  }
  // Core's light transforms are always built in; a host may add its own (the CLI adds the official plugins).
  const builtins = [...builtinPlugins, ...(options.builtins ?? [])];
  const shadowing = [...registered.list(), ...builtins];
  for (const module of listed.modules) {
    for (const definition of module.definitions) {
      if (shadowing.some((other) => other.kind === definition.kind && other.type === definition.type)) {
        problems.warning(
          ["plugins"],
          `${module.specifier} defines ${definition.kind} \`${definition.type}\`, but a plugin registered in code or a built-in of that name takes precedence; rename it to use it`,
        );
      }
    }
  }
  return createPluginResolver({
    registered,
    builtins,
    baseDir,
    resolveFrom: options.resolveFrom ?? [],
    modules: listed.modules,
  });
}
