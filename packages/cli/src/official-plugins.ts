import { type AnyPluginDefinition, builtinPlugins } from "@framepipe/core";
import fsSink from "@framepipe/sink-fs";
import recordSink from "@framepipe/sink-record";
import s3Sink from "@framepipe/sink-s3";
import replaySource from "@framepipe/source-replay";
import websocketSource from "@framepipe/source-websocket";
import resizeTransform from "@framepipe/transform-resize";

/**
 * The plugins the `framepipe` command knows without any `plugins:` entry: core's built-ins and the
 * official plugin packages the CLI depends on. Configs still name them by `type` only.
 */
export function officialPlugins(): AnyPluginDefinition[] {
  return [...builtinPlugins, websocketSource, replaySource, resizeTransform, fsSink, s3Sink, recordSink];
}
