import { type AnyPluginDefinition, builtinPlugins } from "@framepipe/core";
import fsSink from "@framepipe/sink-fs";
import natsSink from "@framepipe/sink-nats";
import previewSink from "@framepipe/sink-preview";
import recordSink from "@framepipe/sink-record";
import s3Sink from "@framepipe/sink-s3";
import videoSink from "@framepipe/sink-video";
import natsSource from "@framepipe/source-nats";
import replaySource from "@framepipe/source-replay";
import websocketSource from "@framepipe/source-websocket";
import { plugins as imagePlugins } from "@framepipe/transform-resize";

/** An official plugin package the CLI depends on, with the plugins it provides. */
interface OfficialPackage {
  readonly name: string;
  readonly plugins: readonly AnyPluginDefinition[];
}

// A package may provide several plugins (transform-resize: `resize` and `dedupe-similar`), so a
// type does not always name its package: the reference docs look the package up here.
const officialPackages: readonly OfficialPackage[] = [
  { name: "@framepipe/source-websocket", plugins: [websocketSource] },
  { name: "@framepipe/source-replay", plugins: [replaySource] },
  { name: "@framepipe/transform-resize", plugins: imagePlugins },
  { name: "@framepipe/sink-fs", plugins: [fsSink] },
  { name: "@framepipe/sink-s3", plugins: [s3Sink] },
  { name: "@framepipe/sink-record", plugins: [recordSink] },
  { name: "@framepipe/sink-preview", plugins: [previewSink] },
  { name: "@framepipe/sink-video", plugins: [videoSink] },
  { name: "@framepipe/sink-nats", plugins: [natsSink] },
  { name: "@framepipe/source-nats", plugins: [natsSource] },
];

/**
 * The plugins the `framepipe` command knows without any `plugins:` entry: core's built-ins and the
 * official plugin packages the CLI depends on. Configs still name them by `type` only.
 */
export function officialPlugins(): AnyPluginDefinition[] {
  return [...builtinPlugins, ...officialPackages.flatMap((officialPackage) => officialPackage.plugins)];
}

/** The npm package an official plugin comes from; undefined for core's built-ins and any other plugin. */
export function officialPackageOf(definition: AnyPluginDefinition): string | undefined {
  return officialPackages.find((officialPackage) => officialPackage.plugins.includes(definition))?.name;
}
