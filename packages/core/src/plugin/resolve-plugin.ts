import { closestMatch } from "../config/did-you-mean.js";
import type { AnyPluginDefinition } from "./define-plugin.js";
import { loadPluginModule } from "./load-plugin-module.js";
import type { ComponentKind } from "./plugin-context.js";
import { createPluginRegistry, type PluginRegistry } from "./plugin-registry.js";

/** Where a resolved plugin came from. */
export type PluginOrigin =
  | { readonly from: "registered" }
  | { readonly from: "builtin" }
  | { readonly from: "package"; readonly packageName: string; readonly directory: string }
  | { readonly from: "module"; readonly specifier: string };

/** The outcome of resolving a component's `type`. */
export type PluginResolution =
  | { readonly ok: true; readonly definition: AnyPluginDefinition; readonly origin: PluginOrigin }
  | {
      readonly ok: false;
      readonly code: "PLUGIN_NOT_FOUND" | "PLUGIN_LOAD_FAILED" | "PLUGIN_INVALID";
      /** One line: what was tried, the known types (with a did-you-mean), or why loading failed. */
      readonly message: string;
    };

/** Definitions loaded from one module listed under `plugins:`. */
export interface LoadedPluginModule {
  readonly specifier: string;
  readonly definitions: readonly AnyPluginDefinition[];
}

/** Inputs of {@link createPluginResolver}, in resolution order. */
export interface PluginResolverOptions {
  /** 1. Plugins registered in code (`createPipeline(config, { plugins })`). */
  readonly registered?: PluginRegistry | readonly AnyPluginDefinition[];
  /** 2. Built-ins: core's light transforms, and the official plugins a host such as the CLI bundles. */
  readonly builtins?: readonly AnyPluginDefinition[];
  /** 3. `@framepipe/<kind>-<type>` packages are imported from this folder (the config file's)… */
  readonly baseDir: string;
  /** …then from these folders (e.g. the CLI's own package folder). */
  readonly resolveFrom?: readonly string[];
  /** 4. Definitions from the modules listed under `plugins:`, already loaded. */
  readonly modules?: readonly LoadedPluginModule[];
}

/** Resolves component types to plugin definitions. */
export interface PluginResolver {
  resolve(kind: ComponentKind, type: string): Promise<PluginResolution>;
  /** Types of one kind known without importing packages (registered, built-in, `plugins:` modules). */
  knownTypes(kind: ComponentKind): string[];
}

const packageTypePattern = /^[a-z][a-z0-9-]*$/;

/** `@framepipe/<kind>-<type>`, the package a `type` falls back to. */
export function pluginPackageName(kind: ComponentKind, type: string): string {
  return `@framepipe/${kind}-${type}`;
}

/**
 * Creates a resolver that looks a `type` up in order: plugins registered in code → built-ins →
 * the `@framepipe/<kind>-<type>` package (from the config's folder, then `resolveFrom`) → the
 * modules listed under `plugins:`. Results are cached per kind and type.
 */
export function createPluginResolver(options: PluginResolverOptions): PluginResolver {
  const registered = Array.isArray(options.registered)
    ? createPluginRegistry(options.registered)
    : ((options.registered as PluginRegistry | undefined) ?? createPluginRegistry());
  const builtins = firstByKey(options.builtins ?? []);
  const modules = options.modules ?? [];
  const moduleDefinitions = new Map<string, { definition: AnyPluginDefinition; specifier: string }>();
  for (const module of modules) {
    for (const definition of module.definitions) {
      const key = `${definition.kind}:${definition.type}`;
      if (!moduleDefinitions.has(key)) moduleDefinitions.set(key, { definition, specifier: module.specifier });
    }
  }
  const directories = [...new Set([options.baseDir, ...(options.resolveFrom ?? [])])];
  const cache = new Map<string, Promise<PluginResolution>>();

  const knownTypes = (kind: ComponentKind): string[] => {
    const types = new Set<string>();
    for (const definition of registered.list(kind)) types.add(definition.type);
    for (const definition of builtins.values()) if (definition.kind === kind) types.add(definition.type);
    for (const { definition } of moduleDefinitions.values()) if (definition.kind === kind) types.add(definition.type);
    return [...types].sort();
  };

  const resolveUncached = async (kind: ComponentKind, type: string): Promise<PluginResolution> => {
    const key = `${kind}:${type}`;
    const inCode = registered.get(kind, type);
    if (inCode) return { ok: true, definition: inCode, origin: { from: "registered" } };
    const builtin = builtins.get(key);
    if (builtin) return { ok: true, definition: builtin, origin: { from: "builtin" } };
    const packageName = pluginPackageName(kind, type);
    if (packageTypePattern.test(type)) {
      for (const directory of directories) {
        const loaded = await loadPluginModule(packageName, { from: directory });
        if (!loaded.ok && loaded.code === "PLUGIN_NOT_FOUND") continue;
        if (!loaded.ok) return { ok: false, code: loaded.code, message: loaded.message };
        const definition = loaded.definitions.find((candidate) => candidate.kind === kind && candidate.type === type);
        if (definition) return { ok: true, definition, origin: { from: "package", packageName, directory } };
        const exported = loaded.definitions.map((candidate) => `${candidate.kind} \`${candidate.type}\``).join(", ");
        return {
          ok: false,
          code: "PLUGIN_INVALID",
          message: `package ${packageName} does not export a ${kind} \`${type}\` (it exports ${exported})`,
        };
      }
    }
    const fromModule = moduleDefinitions.get(key);
    if (fromModule) {
      return {
        ok: true,
        definition: fromModule.definition,
        origin: { from: "module", specifier: fromModule.specifier },
      };
    }
    return { ok: false, code: "PLUGIN_NOT_FOUND", message: notFoundMessage(kind, type) };
  };

  const notFoundMessage = (kind: ComponentKind, type: string): string => {
    const known = knownTypes(kind);
    const suggestion = closestMatch(type, known);
    const otherKinds = (["source", "transform", "sink"] as const).filter(
      (other) => other !== kind && knownTypes(other).includes(type),
    );
    const where = directories.length > 1 ? ` (from the config's folder and ${directories.slice(1).join(", ")})` : "";
    const listed = modules.length > 0 ? modules.map((module) => module.specifier).join(", ") : "none listed";
    const parts = [
      `unknown ${kind} type \`${type}\`${suggestion === undefined ? "" : ` (did you mean \`${suggestion}\`?)`}`,
      ...otherKinds.map((other) => `\`${type}\` is a ${other} plugin`),
      `tried plugins registered in code, built-ins, package ${pluginPackageName(kind, type)}${where}, modules under plugins: (${listed})`,
      known.length > 0 ? `known ${kind} types: ${known.join(", ")}` : `no ${kind} plugins are known`,
    ];
    return parts.join("; ");
  };

  return {
    knownTypes,
    resolve(kind, type) {
      const key = `${kind}:${type}`;
      let resolution = cache.get(key);
      if (resolution === undefined) {
        resolution = resolveUncached(kind, type);
        cache.set(key, resolution);
      }
      return resolution;
    },
  };
}

function firstByKey(definitions: readonly AnyPluginDefinition[]): Map<string, AnyPluginDefinition> {
  const byKey = new Map<string, AnyPluginDefinition>();
  for (const definition of definitions) {
    const key = `${definition.kind}:${definition.type}`;
    if (!byKey.has(key)) byKey.set(key, definition);
  }
  return byKey;
}
