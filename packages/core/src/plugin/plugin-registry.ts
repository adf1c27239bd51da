import { FramepipeError } from "../errors/framepipe-error.js";
import { type AnyPluginDefinition, isPluginDefinition } from "./define-plugin.js";
import type { ComponentKind } from "./plugin-context.js";

/** Plugin definitions known by kind and type. */
export interface PluginRegistry {
  /** Adds a definition; throws `PLUGIN_INVALID` for a non-definition or a kind+type already registered. */
  register(definition: AnyPluginDefinition): void;
  /** The definition registered for `kind` + `type`, if any. */
  get<Kind extends ComponentKind>(kind: Kind, type: string): Extract<AnyPluginDefinition, { kind: Kind }> | undefined;
  /** Every registered definition (of one kind when given), in registration order. */
  list(kind?: ComponentKind): AnyPluginDefinition[];
}

/** Creates a registry, optionally filled with `definitions` (same rules as `register`). */
export function createPluginRegistry(definitions: Iterable<AnyPluginDefinition> = []): PluginRegistry {
  const byKey = new Map<string, AnyPluginDefinition>();
  const registry: PluginRegistry = {
    register(definition) {
      if (!isPluginDefinition(definition)) {
        throw new FramepipeError({
          code: "PLUGIN_INVALID",
          message: "not a plugin definition: create plugins with defineSource, defineTransform or defineSink",
        });
      }
      const key = `${definition.kind}:${definition.type}`;
      if (byKey.has(key)) {
        throw new FramepipeError({
          code: "PLUGIN_INVALID",
          component: `${definition.kind}:${definition.type}`,
          message: `a ${definition.kind} plugin of type "${definition.type}" is already registered`,
        });
      }
      byKey.set(key, definition);
    },
    get<Kind extends ComponentKind>(kind: Kind, type: string) {
      return byKey.get(`${kind}:${type}`) as Extract<AnyPluginDefinition, { kind: Kind }> | undefined;
    },
    list(kind) {
      const all = [...byKey.values()];
      return kind === undefined ? all : all.filter((definition) => definition.kind === kind);
    },
  };
  for (const definition of definitions) registry.register(definition);
  return registry;
}
