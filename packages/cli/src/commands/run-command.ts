import { resolve } from "node:path";
import {
  type ApiServer,
  createLogger,
  createPipeline,
  formatConfigProblems,
  loadPipelineConfig,
  type Pipeline,
  PrometheusPipelineMetrics,
  startApiServer,
} from "@framepipe/core";
import { collectDefaultMetrics } from "prom-client";
import type { CliOutput } from "../cli-output.js";
import { officialPlugins } from "../official-plugins.js";
import { cliPackageDirectory } from "../package-info.js";
import { formatSummary } from "../run/format-summary.js";
import { withRunRuntimeDefaults } from "../run/run-runtime-defaults.js";
import { formatStatusLine, type StatusSample } from "../run/status-line.js";

/** Options of `framepipe run`. */
export interface RunCommandOptions {
  /** Overrides `log.level`. */
  readonly logLevel?: string;
  /** The live status line; default on when stderr is a terminal. */
  readonly status?: boolean;
  /** Tests pass an emitter instead of the process to deliver SIGINT/SIGTERM. */
  readonly signals?: NodeJS.EventEmitter;
}

/** Exit codes of `framepipe run`. */
export const runExitCodes = Object.freeze({ ok: 0, failed: 1, unwritten: 2 });

/**
 * `framepipe run <config>`: starts the pipeline, serves `/metrics`, `/health` and `/ready`, shows a
 * status line on a terminal (JSON logs otherwise), stops on SIGINT/SIGTERM (a second signal
 * forces) and prints the summary. Exit code 0, 1 when the pipeline failed, 2 when frames accepted
 * were left unwritten. It owns its process, so `runtime.reclaimDroppedMemory` is on unless the
 * config sets it ({@link withRunRuntimeDefaults}).
 */
export async function runCommand(configFile: string, options: RunCommandOptions, output: CliOutput): Promise<number> {
  const loaded = await loadPipelineConfig(resolve(configFile), {
    builtins: officialPlugins(),
    resolveFrom: [cliPackageDirectory],
  });
  if (!loaded.ok) {
    output.error(formatConfigProblems(loaded.problems));
    return runExitCodes.failed;
  }
  const config = withRunRuntimeDefaults(loaded.config);
  const interactive = options.status ?? Boolean(process.stderr.isTTY);
  const clearStatus = () => {
    if (interactive) process.stderr.write("\r\x1b[K");
  };
  const level = (options.logLevel ?? config.log.level) as typeof config.log.level;
  const logger = createLogger({
    level,
    pretty: interactive ? true : "auto",
    destination: interactive
      ? {
          write: (line: string) => {
            clearStatus();
            return process.stderr.write(line);
          },
          isTTY: true,
        }
      : process.stdout,
  });
  for (const warning of loaded.warnings) logger.warn({ path: warning.path }, warning.message);

  const metrics = new PrometheusPipelineMetrics();
  collectDefaultMetrics({ register: metrics.registry, prefix: "framepipe_" });
  let pipeline: Pipeline;
  try {
    pipeline = await createPipeline(config, { logger, metrics });
  } catch (error) {
    output.error(error instanceof Error ? error.message : String(error));
    return runExitCodes.failed;
  }

  let api: ApiServer | null = null;
  if (config.api.port !== null) {
    try {
      api = await startApiServer({
        host: config.api.host,
        port: config.api.port,
        registry: metrics.registry,
        isReady: () =>
          pipeline.state === "running" ? "ready" : pipeline.state === "draining" ? "draining" : "starting",
        isHealthy: () => pipeline.state !== "failed",
      });
      logger.info({ url: api.url }, "serving /metrics, /health and /ready");
    } catch (error) {
      output.error(error instanceof Error ? error.message : String(error));
      await pipeline.stop({ reason: "api failed to start" });
      return runExitCodes.failed;
    }
  }

  const signals = options.signals ?? process;
  let signalCount = 0;
  const onSignal = (signal: string) => {
    signalCount += 1;
    logger.info({ signal }, signalCount === 1 ? "stopping: draining accepted frames" : "second signal: forcing stop");
    void pipeline.stop({ reason: signal }).catch(() => {});
  };
  const onInterrupt = () => onSignal("SIGINT");
  const onTerminate = () => onSignal("SIGTERM");
  signals.on("SIGINT", onInterrupt);
  signals.on("SIGTERM", onTerminate);

  let statusTimer: NodeJS.Timeout | undefined;
  try {
    await pipeline.start();
    if (interactive) {
      let sample: StatusSample = { at: Date.now(), received: 0, written: 0 };
      statusTimer = setInterval(() => {
        const stats = pipeline.stats();
        // Each participant may hold up to `queue` frames per stream; two streams at most.
        const capacity = config.runtime.queue * 2 * Math.max(1, stats.activeGroups);
        const next = formatStatusLine(stats, sample, Date.now(), capacity);
        sample = next.sample;
        process.stderr.write(`\r\x1b[K${next.line}`);
      }, 1000);
      statusTimer.unref();
    }
    const summary = await pipeline.done;
    clearStatus();
    output.error(formatSummary(summary));
    return summary.unwritten > 0 ? runExitCodes.unwritten : runExitCodes.ok;
  } catch (error) {
    clearStatus();
    const message = error instanceof Error ? error.message : String(error);
    logger.error({ error }, "pipeline failed");
    output.error(`framepipe run failed: ${message}`);
    if (pipeline.state !== "stopped" && pipeline.state !== "failed") await pipeline.stop().catch(() => {});
    return runExitCodes.failed;
  } finally {
    if (statusTimer) clearInterval(statusTimer);
    signals.off("SIGINT", onInterrupt);
    signals.off("SIGTERM", onTerminate);
    await api?.close();
  }
}
