import { defineSink, defineTransform } from "@framepipe/core/plugin";
import { z } from "zod";

// Plugins the docs use as "your own" without showing them whole. The documentation test gives
// them to the config loader the way a reader's project would: the modules a config lists under
// `plugins:` are written where the config expects them, re-exporting these definitions.

/** `./plugins/blur.ts` (docs/configuration.md): the blur of docs/writing-plugins.md's per-frame example. */
export const blur = defineTransform({
  type: "blur",
  summary: "Blurs each frame (documentation stub).",
  options: z.strictObject({ radius: z.number().positive().default(8).describe("Blur radius in pixels.") }),
  create: () => ({ process: (frame) => frame }),
});

/** `@acme/framepipe-sink-kafka` (docs/configuration.md): a published plugin package. */
export const kafka = defineSink({
  type: "kafka",
  summary: "Sends frames to Kafka (documentation stub).",
  options: z.strictObject({ topic: z.string().default("frames").describe("Topic to send to.") }),
  create: () => ({ write: () => undefined }),
});

/** `describe-slides` (docs/flow-control.md): "your own sink" that asks an LLM about slides. */
export const describeSlides = defineSink({
  type: "describe-slides",
  summary: "Describes shared slides with an LLM (documentation stub).",
  options: z.strictObject({}),
  create: () => ({ write: () => undefined }),
});

/** Module specifiers under `plugins:` → the export of this file the written module re-exports. */
export const documentedPluginModules: Readonly<Record<string, "blur" | "kafka">> = {
  "./plugins/blur.ts": "blur",
  "@acme/framepipe-sink-kafka": "kafka",
};

/** Types the docs use without listing a module: registered in code, as an embedding app would. */
export const documentedCodePlugins = [describeSlides];
