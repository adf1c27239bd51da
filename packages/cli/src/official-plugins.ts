import { type AnyPluginDefinition, builtinPlugins } from "@framepipe/core";
import fsSink from "@framepipe/sink-fs";
import resizeTransform from "@framepipe/transform-resize";

/**
 * The plugins the `framepipe` command knows without any `plugins:` entry: core's built-ins and the
 * official plugin packages the CLI depends on. Configs still name them by `type` only.
 */
export function officialPlugins(): AnyPluginDefinition[] {
  return [...builtinPlugins, resizeTransform, fsSink];
}
