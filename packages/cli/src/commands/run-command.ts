import { resolve } from "node:path";
import {
  ApiRoutes,
  type ApiServer,
  createLogger,
  createPipeline,
  formatConfigProblems,
  loadPipelineConfig,
  type Pipeline,
  type PipelineSummary,
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
import { listenForStopRequests } from "../run/stop-requests.js";

/** Options of `framepipe run`. */
export interface RunCommandOptions {
  /** Overrides `log.level`. */
  readonly logLevel?: string;
  /** The live status line; default on when stderr is a terminal. */
  readonly status?: boolean;
  /** Tests pass an emitter instead of the process to deliver SIGINT/SIGTERM. */
  readonly signals?: NodeJS.EventEmitter;
  /** Drain when the parent process exits. Default: when a package manager started framepipe ({@link listenForStopRequests}). */
  readonly watchParent?: boolean;
}

/**
 * Exit codes of `framepipe run`: `unwritten` (2) whenever accepted frames were lost, whether a
 * forced stop left them unwritten or they failed for good (errors, dead letters); the summary
 * says how many and why. Drops by a configured overflow policy or a filter are not losses.
 */
export const runExitCodes = Object.freeze({ ok: 0, failed: 1, unwritten: 2 });

/** True when accepted frames were lost: left unwritten by a forced stop, or failed for good. */
export function framesWereLost(summary: PipelineSummary): boolean {
  return summary.unwritten > 0 || summary.failures.length > 0;
}

/**
 * `framepipe run <config>`: starts the pipeline, serves `/metrics`, `/health` and `/ready`, shows a
 * status line on a terminal (JSON logs otherwise), stops on SIGINT/SIGTERM (a second signal
 * forces) or when the package manager that started it exits ({@link listenForStopRequests}), and
 * prints the summary. Exit code 0, 1 when the pipeline failed, 2 when frames accepted
 * were lost (left unwritten, or failed for good: {@link framesWereLost}). It owns its process, so `runtime.reclaimDroppedMemory` is on unless the
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
  // Plugins (the preview sink) mount their pages on the API listener through this registry.
  const apiRoutes = config.api.port === null ? undefined : new ApiRoutes({ host: config.api.host });
  let pipeline: Pipeline;
  try {
    pipeline = await createPipeline(config, { logger, metrics, services: { apiRoutes } });
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
        failing: () => pipeline.stats().failing,
        ...(apiRoutes ? { routes: apiRoutes } : {}),
      });
      logger.info({ url: api.url }, "serving /metrics, /health and /ready");
      for (const prefix of apiRoutes?.prefixes ?? []) {
        logger.info({ url: `${api.url}${prefix}/` }, `serving ${prefix}: open ${api.url}${prefix}/`);
      }
    } catch (error) {
      output.error(error instanceof Error ? error.message : String(error));
      await pipeline.stop({ reason: "api failed to start" });
      return runExitCodes.failed;
    }
  }

  const stopListening = listenForStopRequests({
    signals: options.signals ?? process,
    logger,
    stop: (reason) => void pipeline.stop({ reason }).catch(() => {}),
    ...(options.watchParent === undefined ? {} : { watchParent: options.watchParent }),
  });

  // The first preview sink's page, shown on the status line (the startup log names every route).
  const previewPath = config.sinks.find((sink) => sink.definition.type === "preview")?.options as
    | { path?: string }
    | undefined;
  const previewUrl = api && previewPath?.path ? `${api.url}${previewPath.path}/` : undefined;
  let statusTimer: NodeJS.Timeout | undefined;
  try {
    await pipeline.start();
    if (interactive) {
      let sample: StatusSample = { at: Date.now(), received: 0, written: 0 };
      statusTimer = setInterval(() => {
        const stats = pipeline.stats();
        // Each participant may hold up to `queue` frames per stream; two streams at most.
        const capacity = config.runtime.queue * 2 * Math.max(1, stats.activeGroups);
        const next = formatStatusLine(stats, sample, Date.now(), capacity, previewUrl);
        sample = next.sample;
        process.stderr.write(`\r\x1b[K${next.line}`);
      }, 1000);
      statusTimer.unref();
    }
    const summary = await pipeline.done;
    clearStatus();
    output.error(formatSummary(summary));
    return framesWereLost(summary) ? runExitCodes.unwritten : runExitCodes.ok;
  } catch (error) {
    clearStatus();
    const message = error instanceof Error ? error.message : String(error);
    logger.error({ error }, "pipeline failed");
    output.error(`framepipe run failed: ${message}`);
    if (pipeline.state !== "stopped" && pipeline.state !== "failed") await pipeline.stop().catch(() => {});
    return runExitCodes.failed;
  } finally {
    if (statusTimer) clearInterval(statusTimer);
    stopListening();
    await api?.close();
  }
}
