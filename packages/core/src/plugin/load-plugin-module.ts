import { randomUUID } from "node:crypto";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type NamespacedUnregister, register } from "tsx/esm/api";
import { describeError } from "../errors/framepipe-error.js";
import { type AnyPluginDefinition, isPluginDefinition } from "./define-plugin.js";

/** The outcome of loading one plugin module. */
export type PluginModuleLoadResult =
  | {
      readonly ok: true;
      readonly specifier: string;
      readonly definitions: readonly AnyPluginDefinition[];
    }
  | {
      readonly ok: false;
      readonly specifier: string;
      readonly code: "PLUGIN_NOT_FOUND" | "PLUGIN_LOAD_FAILED" | "PLUGIN_INVALID";
      /** One line, naming the module and the cause. */
      readonly message: string;
      readonly cause?: unknown;
    };

/** True for `./x`, `../x`, `/abs/x` and `file:` URLs, which load as files rather than packages. */
export function isPathSpecifier(specifier: string): boolean {
  return (
    specifier.startsWith("./") ||
    specifier.startsWith("../") ||
    specifier.startsWith("file:") ||
    specifier === "." ||
    isAbsolute(specifier)
  );
}

/**
 * The definitions a plugin module exports: a default-exported definition, a default-exported
 * array of definitions, and/or a named `plugins` array. Undefined when it exports none of these
 * or when any listed entry is not a definition.
 */
export function pluginDefinitionsFromModule(namespace: unknown): AnyPluginDefinition[] | undefined {
  if (typeof namespace !== "object" || namespace === null) return undefined;
  const exports = namespace as Record<string, unknown>;
  const candidates: unknown[] = [];
  let defaultExport = exports.default;
  // A CommonJS module imported as ESM arrives as `{ default: module.exports }`.
  if (!isPluginDefinition(defaultExport) && !Array.isArray(defaultExport) && typeof defaultExport === "object") {
    defaultExport = (defaultExport as Record<string, unknown> | null)?.default ?? defaultExport;
  }
  if (isPluginDefinition(defaultExport)) candidates.push(defaultExport);
  else if (Array.isArray(defaultExport)) candidates.push(...defaultExport);
  if (Array.isArray(exports.plugins)) candidates.push(...exports.plugins);
  if (candidates.length === 0 || !candidates.every(isPluginDefinition)) return undefined;
  return [...new Set(candidates as AnyPluginDefinition[])];
}

const moduleCache = new Map<string, Promise<unknown>>();
let tsxScope: NamespacedUnregister | undefined;

/**
 * Imports a module through tsx, so TypeScript loads without a build step. This is what
 * `tsImport` does, but with one namespace for the whole process: `tsImport` installs a new
 * loader hook on every call, and hooks cannot be removed, so repeated look-ups (a package that
 * is not installed, a config validated again) would pile them up.
 */
export function importWithTsx(specifier: string, parentURL: string): Promise<unknown> {
  tsxScope ??= register({ namespace: `framepipe-${randomUUID()}` });
  return tsxScope.import(specifier, parentURL);
}

/**
 * Imports a plugin module: a path (relative to `from`, a folder) or a package name resolved from
 * `from`. TypeScript files load without a build step through tsx. Never throws: failures come
 * back as `PLUGIN_NOT_FOUND` (nothing at that name), `PLUGIN_LOAD_FAILED` (it threw or did not
 * compile) or `PLUGIN_INVALID` (it exports no plugin definition).
 */
export async function loadPluginModule(
  specifier: string,
  options: { readonly from: string },
): Promise<PluginModuleLoadResult> {
  const parentURL = pathToFileURL(join(options.from, "__framepipe_plugin_parent__.js")).href;
  const isPath = isPathSpecifier(specifier);
  const filePath = isPath
    ? specifier.startsWith("file:")
      ? fileURLToPath(specifier)
      : resolve(options.from, specifier)
    : undefined;
  const target = filePath === undefined ? specifier : pathToFileURL(filePath).href;

  let namespace: unknown;
  try {
    namespace = await importCached(target, parentURL);
  } catch (error) {
    if (isNotFound(error, filePath ?? packageNameOf(specifier))) {
      return {
        ok: false,
        specifier,
        code: "PLUGIN_NOT_FOUND",
        message: filePath === undefined ? `package ${specifier} is not installed` : `file not found: ${specifier}`,
        cause: error,
      };
    }
    return {
      ok: false,
      specifier,
      code: "PLUGIN_LOAD_FAILED",
      message: `could not load plugin module ${specifier}: ${oneLine(describeError(error))}`,
      cause: error,
    };
  }
  const definitions = pluginDefinitionsFromModule(namespace);
  if (definitions === undefined) {
    return {
      ok: false,
      specifier,
      code: "PLUGIN_INVALID",
      message: `plugin module ${specifier} exports no plugin: default-export the result of defineSource, defineTransform or defineSink (or an array of them), or export \`plugins\``,
    };
  }
  return { ok: true, specifier, definitions };
}

function importCached(target: string, parentURL: string): Promise<unknown> {
  const key = `${target}\u0000${parentURL}`;
  let loading = moduleCache.get(key);
  if (loading === undefined) {
    loading = importWithTsx(target, parentURL);
    moduleCache.set(key, loading);
    loading.catch(() => moduleCache.delete(key));
  }
  return loading;
}

function packageNameOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

function isNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "ERR_MODULE_NOT_FOUND") return false;
  const message = describeError(error).split("\n")[0] ?? "";
  return message.includes(`'${name}'`) || message.includes(`'${name}/`);
}

function oneLine(text: string): string {
  const joined = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" ");
  return joined.length > 400 ? `${joined.slice(0, 397)}...` : joined;
}
