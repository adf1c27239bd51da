import { fileURLToPath } from "node:url";
import { officialPlugins } from "@framepipe/cli";
import {
  createConfigError,
  createPipeline,
  type Logger,
  loadPipelineConfig,
  type Pipeline,
  type PipelineMetrics,
} from "@framepipe/core";
import { type LogRecord, tapLogger } from "./log-tap.js";

/** The example's `pipeline.yaml`. */
export const pipelineFile = fileURLToPath(new URL("../pipeline.yaml", import.meta.url));

/** Options of {@link startMotionPipeline}. */
export interface MotionPipelineOptions {
  /** Variables for the `${…}` in pipeline.yaml. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the pipeline logs. Default: silent. */
  readonly logger?: Logger;
  /** Sees every log call of every component, debug included (the motion scores). */
  readonly onLog?: (record: LogRecord) => void;
  /** Default: a fresh Prometheus registry. */
  readonly metrics?: PipelineMetrics;
}

/** A started pipeline and the URL its websocket source listens on. */
export interface StartedMotionPipeline {
  readonly pipeline: Pipeline;
  /** `ws://host:port/recall/`: give it to the bot with `?token=…`. */
  readonly url: string;
}

/**
 * Loads pipeline.yaml as `framepipe run` does (the official plugins built in, the local
 * `./plugins/motion-score.ts` from its `plugins:` list), creates the pipeline in this process and
 * starts it. Throws one error listing every problem when the config is invalid.
 */
export async function startMotionPipeline(options: MotionPipelineOptions = {}): Promise<StartedMotionPipeline> {
  const loaded = await loadPipelineConfig(pipelineFile, {
    builtins: officialPlugins(),
    ...(options.env ? { env: options.env } : {}),
  });
  if (!loaded.ok) throw createConfigError(loaded.problems);
  let url: string | null = null;
  const logger = tapLogger((record) => {
    // The source logs its address once it listens (FRAMEPIPE_PORT=0 picks a free port).
    if (record.message === "websocket source listening") url = String(record.fields.url);
    options.onLog?.(record);
  }, options.logger);
  const pipeline = await createPipeline(loaded.config, {
    logger,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  await pipeline.start();
  if (url === null) {
    await pipeline.stop({ reason: "no websocket source" });
    throw new Error("pipeline.yaml has no websocket source that listens on its own port");
  }
  return { pipeline, url };
}
