import type { PluginNames } from "./plugin-names.js";
import { sinkTemplate } from "./sink-template.js";
import { sourceTemplate } from "./source-template.js";
import { transformTemplate } from "./transform-template.js";

/** The two source files of a scaffolded plugin. */
export interface PluginSources {
  /** The plugin module: default-exports the definition. */
  readonly plugin: string;
  /** Its vitest file: the contract suite of its kind and a few cases of its own. */
  readonly test: string;
}

/** Packages the plugin module imports at run time, besides `@framepipe/core`. */
export const runtimeDependenciesByKind = {
  source: ["rxjs", "zod"],
  transform: ["zod"],
  sink: ["zod"],
} as const;

/** The plugin and test sources for `names.kind`; the test imports the plugin from `pluginImport`. */
export function pluginSources(names: PluginNames, pluginImport: string): PluginSources {
  switch (names.kind) {
    case "source":
      return sourceTemplate(names, pluginImport);
    case "transform":
      return transformTemplate(names, pluginImport);
    case "sink":
      return sinkTemplate(names, pluginImport);
  }
}
