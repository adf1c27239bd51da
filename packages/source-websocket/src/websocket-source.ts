import type { Server } from "node:http";
import type { RecallEvent } from "@framepipe/core";
import {
  type ComponentMetrics,
  createPluginContext,
  createServiceRef,
  defineSource,
  type Logger,
  type PluginContext,
  type SourceInstance,
} from "@framepipe/core/plugin";
import type { Observable } from "rxjs";
import type { WebsocketSourceStats } from "./source-metrics.js";
import { WebsocketReceiver, type WebsocketSourceAddress } from "./websocket-receiver.js";
import {
  type WebsocketSourceOptions,
  type WebsocketSourceOptionsInput,
  websocketSourceOptionsSchema,
} from "./websocket-source-options.js";

/**
 * The optional `httpServer` service: an existing `http.Server` (Express's `app.listen()`, Fastify's
 * `fastify.server`, …) to share. The source then handles that server's `upgrade` requests for its
 * `path` only and does not listen on a port of its own.
 */
export const httpServerService = createServiceRef<Server>({ id: "httpServer", optional: true });

/** A running websocket source: the source contract plus its address and counters. */
export interface WebsocketSourceInstance extends SourceInstance {
  readonly events$: Observable<RecallEvent>;
  start(): Promise<void>;
  /** Stops reading from every connection (TCP backpressure to the bots) until `resume()`. */
  pause(): void;
  resume(): void;
  /** Closes every connection with 1001, waits for them (bounded), then completes `events$`. */
  stop(): Promise<void>;
  /** Where connections are accepted; null before `start()`. */
  address(): WebsocketSourceAddress | null;
  /** Connection and message counters. */
  stats(): WebsocketSourceStats;
}

/** A receiver reporting through `context`, as the source instance. */
function createInstance(
  options: WebsocketSourceOptions,
  context: PluginContext,
  httpServer: Server | undefined,
): WebsocketSourceInstance {
  const { logger, metrics, error } = context;
  const receiver = new WebsocketReceiver({ options, httpServer, logger, metrics, error });
  return {
    events$: receiver.events$,
    start: () => receiver.start(),
    pause: () => receiver.pause(),
    resume: () => receiver.resume(),
    stop: () => receiver.stop(),
    address: () => receiver.address(),
    stats: () => receiver.stats(),
  };
}

/**
 * The `websocket` source: the server Recall's realtime endpoint connects to. One connection per
 * bot; every message becomes a typed event (frames, participant events, transcripts, …).
 */
export const websocketSource = defineSource({
  type: "websocket",
  summary: "Receives Recall.ai realtime events (per-participant PNG frames) over a websocket server.",
  options: websocketSourceOptionsSchema,
  deps: { httpServer: httpServerService },
  create(options, context): WebsocketSourceInstance {
    return createInstance(options, context, context.services.httpServer);
  },
});

/** Settings of {@link createWebsocketSource}. */
export interface CreateWebsocketSourceSettings {
  /** Share this server's port instead of listening on `host:port`. */
  readonly httpServer?: Server;
  readonly logger?: Logger;
  readonly metrics?: ComponentMetrics;
  /** Used in log lines and error messages. Default `websocket`. */
  readonly componentId?: string;
}

/**
 * Creates a websocket source from code, without a pipeline: options as in a config file.
 * Throws a `FramepipeError` (`INVALID_ARGUMENT`) listing every invalid option.
 *
 * @example
 * const source = createWebsocketSource({ path: "/recall/", token: process.env.RECALL_TOKEN }, { httpServer });
 * source.events$.subscribe((event) => { if (event.kind === "video-frame") handle(event.frame); });
 * await source.start();
 */
export function createWebsocketSource(
  options: WebsocketSourceOptionsInput,
  settings: CreateWebsocketSourceSettings = {},
): WebsocketSourceInstance {
  // The same context a pipeline would give, so logs and errors name the component alike.
  const context = createPluginContext({
    kind: "source",
    type: websocketSource.type,
    componentId: settings.componentId ?? "websocket",
    logger: settings.logger,
    metrics: settings.metrics,
  });
  const parsed = websocketSourceOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "options"}: ${issue.message}`);
    throw context.error(`invalid options: ${problems.join("; ")}`, { code: "INVALID_ARGUMENT", stage: "config" });
  }
  return createInstance(parsed.data, context, settings.httpServer);
}
