import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { RecallEvent } from "@framepipe/core";
import type { ComponentMetrics, Logger, PluginErrorFactory } from "@framepipe/core/plugin";
import { type Observable, Subject } from "rxjs";
import { type WebSocket, WebSocketServer } from "ws";
import { ConnectionLimits } from "./connection-limits.js";
import { ConnectionLog } from "./connection-log.js";
import { rejectHandshake, rejectionStatus } from "./handshake-rejection.js";
import { type PendingHandshakeRefusal, PendingHandshakes } from "./pending-handshakes.js";
import { ReceiveBudget } from "./receive-budget.js";
import { RejectionLog } from "./rejection-log.js";
import { createPathMatcher, requestPathname } from "./request-path.js";
import { SignatureReplayCache } from "./signature-replay-cache.js";
import { SourceConnection } from "./source-connection.js";
import { SourceMetrics, type WebsocketSourceStats } from "./source-metrics.js";
import { type AuthenticationSettings, authenticateUpgrade, type RejectionReason } from "./upgrade-auth.js";
import type { WebsocketSourceOptions } from "./websocket-source-options.js";

/** How long `stop()` waits for peers to answer the 1001 close before it terminates them. */
export const closeTimeoutMs = 5000;

/** Where a started source accepts connections. */
export interface WebsocketSourceAddress {
  /** The address the server is bound to (`127.0.0.1`, `0.0.0.0`, `::`). */
  readonly host: string;
  readonly port: number;
  /** The configured path. */
  readonly path: string;
  /** A URL a local client can connect to, e.g. `ws://127.0.0.1:8080/recall/` (no credentials). */
  readonly url: string;
}

/** What the receiver is built from. */
export interface WebsocketReceiverSettings {
  readonly options: WebsocketSourceOptions;
  /** Attach to this server's `upgrade` event instead of listening on `host:port`. */
  readonly httpServer?: Server | undefined;
  readonly logger: Logger;
  readonly metrics: ComponentMetrics;
  /** The plugin context's `error`: tags failures with the component (`source:websocket#recall`). */
  readonly error: PluginErrorFactory;
}

type State = "created" | "started" | "stopping" | "stopped";

const ignore = (): void => {};

/**
 * The websocket server Recall bots connect to. Authenticates each upgrade before it completes,
 * parses every message into events on `events$`, pauses reads on request (TCP backpressure to
 * the bots), keeps connections alive with pings, and closes them with 1001 on stop.
 */
export class WebsocketReceiver {
  readonly events$: Observable<RecallEvent>;
  readonly #options: WebsocketSourceOptions;
  readonly #logger: Logger;
  readonly #error: PluginErrorFactory;
  readonly #subject = new Subject<RecallEvent>();
  readonly #metrics: SourceMetrics;
  readonly #rejections: RejectionLog;
  readonly #connectionLog: ConnectionLog;
  readonly #limits: ConnectionLimits;
  readonly #receiveBudget: ReceiveBudget;
  /** Only on the source's own server: an attached one's sockets are seen once their headers are in. */
  readonly #pendingHandshakes: PendingHandshakes | null;
  readonly #matchesPath: (url: string | undefined) => boolean;
  readonly #authentication: AuthenticationSettings;
  readonly #webSocketServer: WebSocketServer;
  readonly #connections = new Set<SourceConnection>();
  readonly #attachedServer: Server | undefined;
  #ownServer: Server | null = null;
  #state: State = "created";
  #paused = false;
  #pendingUpgrades = 0;
  #nextConnectionId = 1;
  #pingTimer: NodeJS.Timeout | null = null;
  #stopping: Promise<void> | null = null;

  constructor(settings: WebsocketReceiverSettings) {
    const options = settings.options;
    this.#options = options;
    this.#logger = settings.logger;
    this.#error = settings.error;
    this.#attachedServer = settings.httpServer;
    this.#metrics = new SourceMetrics(settings.metrics);
    this.#rejections = new RejectionLog(settings.logger);
    this.#connectionLog = new ConnectionLog({ logger: settings.logger, openConnections: () => this.#connections.size });
    this.#limits = new ConnectionLimits({
      maxConnectionsPerBot: options.maxConnectionsPerBot,
      metrics: this.#metrics,
      logger: settings.logger,
    });
    this.#receiveBudget = new ReceiveBudget({
      maxReceivingBytes: options.maxReceivingBytes,
      metrics: this.#metrics,
      logger: settings.logger,
    });
    this.#pendingHandshakes = settings.httpServer
      ? null
      : new PendingHandshakes({
          maxPending: options.maxPendingHandshakes,
          headersTimeoutMs: options.headersTimeout,
          refuse: this.#refusePending,
        });
    this.#matchesPath = createPathMatcher(options.path);
    this.#authentication = {
      token: options.token,
      secret: options.secret,
      signatureToleranceMs: options.signatureTolerance,
      signatureFutureToleranceMs: options.signatureFutureTolerance,
      replayCache: options.secret === undefined ? undefined : this.#createReplayCache(),
      allowUnauthenticated: options.allowUnauthenticated,
    };
    this.#webSocketServer = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: options.maxPayload,
      perMessageDeflate: options.perMessageDeflate,
      // The Recall parser validates UTF-8 itself, only where it must (see parseRecallMessage).
      skipUTF8Validation: true,
    });
    this.events$ = this.#subject.asObservable();
  }

  #createReplayCache(): SignatureReplayCache {
    let warned = false;
    return new SignatureReplayCache(undefined, () => {
      this.#metrics.replayCacheEvictions(1);
      if (warned) return;
      warned = true;
      this.#logger.warn(
        "signature replay cache full: the oldest signed upgrades are forgotten before their window ends " +
          "(counted in framepipe_websocket_replay_cache_evictions_total)",
      );
    });
  }

  /** Listens on `host:port`, or starts handling the attached server's upgrades for `path`. */
  async start(): Promise<void> {
    if (this.#state !== "created") return;
    this.#state = "started";
    if (this.#attachedServer) {
      this.#attachedServer.on("upgrade", this.#onUpgrade);
    } else {
      await this.#listen();
    }
    this.#startKeepAlive();
    this.#logStart();
  }

  async #listen(): Promise<void> {
    const { host, port } = this.#options;
    const headersTimeout = this.#options.headersTimeout;
    // Node's own check, as a backstop to PendingHandshakes; its request timeout may not be shorter.
    const timeouts = { headersTimeout, requestTimeout: Math.max(headersTimeout, 300_000) };
    const server = createServer(timeouts, this.#onPlainRequest);
    server.on("connection", (socket: Socket) => this.#pendingHandshakes?.track(socket));
    server.on("upgrade", this.#onUpgrade);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      this.#state = "stopped";
      this.#subject.complete();
      const code = (error as { code?: string }).code ?? "error";
      throw this.#error(
        `cannot listen on ${host}:${port} (${code})${code === "EADDRINUSE" ? ": the port is in use" : ""}`,
        { stage: "start", cause: error },
      );
    }
    server.on("error", (error) => this.#logger.error({ error: String(error) }, "websocket server error"));
    this.#ownServer = server;
  }

  #logStart(): void {
    const options = this.#options;
    const authentication = [options.token ? "token" : null, options.secret ? "signature" : null].filter(Boolean);
    const address = this.address();
    this.#logger.info(
      {
        url: address?.url ?? null,
        path: options.path,
        attached: this.#attachedServer !== undefined,
        authentication: authentication.length > 0 ? authentication.join("+") : "none",
        maxPayload: options.maxPayload,
        maxConnections: options.maxConnections,
        maxConnectionsPerBot: options.maxConnectionsPerBot,
        idleTimeout: options.idleTimeout,
        // An attached server keeps its own setting (Node's default is 60 s, checked every 30 s).
        headersTimeout: this.#attachedServer ? this.#attachedServer.headersTimeout : options.headersTimeout,
      },
      this.#attachedServer ? "websocket source attached to the http server" : "websocket source listening",
    );
    if (authentication.length === 0) {
      this.#logger.warn(
        "websocket source accepts connections WITHOUT authentication (allowUnauthenticated: true); " +
          "set token or secret before exposing it",
      );
    }
  }

  /** Plain HTTP on the source's own port: only websocket upgrades are served. */
  readonly #onPlainRequest = (request: IncomingMessage, response: ServerResponse): void => {
    this.#pendingHandshakes?.settle(request.socket);
    const ours = this.#matchesPath(request.url);
    response.writeHead(ours ? 426 : 404, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
    response.end(ours ? "websocket upgrade required\n" : "not found\n");
  };

  readonly #onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.#pendingHandshakes?.settle(request.socket);
    if (!this.#matchesPath(request.url)) {
      // On a shared server, other paths belong to the host app or other handlers: leave them be.
      if (this.#ownServer !== null) this.#reject(request, socket, "wrong-path");
      return;
    }
    socket.on("error", ignore);
    if (this.#state !== "started") {
      this.#reject(request, socket, "shutting-down");
      return;
    }
    const authentication = authenticateUpgrade(request, this.#authentication);
    if (!authentication.ok) {
      this.#reject(request, socket, authentication.reason);
      return;
    }
    if (this.#connections.size + this.#pendingUpgrades >= this.#options.maxConnections) {
      this.#reject(request, socket, "too-many-connections");
      return;
    }
    this.#pendingUpgrades += 1;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      this.#pendingUpgrades -= 1;
    };
    // ws answers malformed handshakes itself (400) without calling back: the socket's close settles it.
    socket.once("close", settle);
    this.#webSocketServer.handleUpgrade(request, socket, head, (webSocket) => {
      settle();
      socket.off("close", settle);
      this.#accept(webSocket, request, authentication.method);
    });
  };

  #reject(request: IncomingMessage, socket: Duplex, reason: RejectionReason): void {
    this.#metrics.rejected(reason);
    this.#rejections.record(
      reason,
      rejectionStatus[reason],
      request.socket.remoteAddress,
      requestPathname(request.url),
    );
    rejectHandshake(socket, reason);
  }

  /** A socket of the own server that did not send its upgrade request in time, or was pushed out. */
  readonly #refusePending = (socket: Socket, reason: PendingHandshakeRefusal): void => {
    socket.on("error", ignore);
    this.#metrics.rejected(reason);
    this.#rejections.record(reason, rejectionStatus[reason], socket.remoteAddress, "-");
    rejectHandshake(socket, reason);
  };

  #accept(webSocket: WebSocket, request: IncomingMessage, method: string): void {
    const id = `conn-${this.#nextConnectionId++}`;
    const connection = new SourceConnection({
      id,
      socket: webSocket,
      remoteAddress: request.socket.remoteAddress,
      maxPayload: this.#options.maxPayload,
      maxPixels: this.#options.maxPixels,
      maxEnvelope: this.#options.maxEnvelope,
      metrics: this.#metrics,
      logger: this.#logger,
      events: this.#subject,
      connectionLog: this.#connectionLog,
      idleTimeout: this.#options.idleTimeout,
      onIdle: this.#limits.onIdle,
      onBotIdentified: this.#limits.onBotIdentified,
    });
    this.#connections.add(connection);
    this.#receiveBudget.track(connection, request.socket);
    this.#metrics.connectionOpened();
    connection.closed.then(() => {
      this.#connections.delete(connection);
      this.#metrics.connectionClosed();
    }, ignore);
    this.#connectionLog.opened({ connection: id, remoteAddress: request.socket.remoteAddress, authentication: method });
    if (this.#state !== "started") {
      // stop() began while this handshake was completing.
      webSocket.close(1001, "going away");
      return;
    }
    if (this.#paused) webSocket.pause();
  }

  #startKeepAlive(): void {
    const interval = this.#options.pingInterval;
    if (interval <= 0) return;
    this.#pingTimer = setInterval(() => this.#ping(), interval);
    this.#pingTimer.unref();
  }

  #ping(): void {
    for (const connection of this.#connections) {
      // A paused socket is not read, so its pongs cannot arrive: liveness is judged after resume.
      if (connection.socket.isPaused) continue;
      if (!connection.alive) {
        this.#metrics.deadPeer();
        this.#logger.warn({ connection: connection.id, botId: connection.botId }, "peer missed a pong: terminated");
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  /** Stops reading from every connection (and from new ones) until {@link resume}. */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    for (const connection of this.#connections) connection.socket.pause();
    this.#logger.debug({ connections: this.#connections.size }, "websocket source paused");
  }

  /** Reads from every connection again. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    for (const connection of this.#connections) {
      connection.markActive();
      connection.socket.resume();
    }
    this.#logger.debug({ connections: this.#connections.size }, "websocket source resumed");
  }

  /**
   * Stops accepting, closes every connection with 1001 ("going away"), waits for them to close
   * (terminating those that do not answer within {@link closeTimeoutMs}), then completes `events$`.
   * Safe to call more than once.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const wasStarted = this.#state === "started";
    this.#state = "stopping";
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#attachedServer?.off("upgrade", this.#onUpgrade);
    this.#pendingHandshakes?.clear();
    const server = this.#ownServer;
    const serverClosed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    server?.closeIdleConnections();
    if (wasStarted) await this.#closeConnections();
    server?.closeAllConnections();
    await serverClosed;
    this.#webSocketServer.close();
    this.#connectionLog.flush();
    this.#state = "stopped";
    this.#subject.complete();
  }

  async #closeConnections(): Promise<void> {
    const connections = [...this.#connections];
    for (const connection of connections) {
      // The peer's close frame must be read for the handshake to finish, so paused sockets resume.
      connection.socket.resume();
      connection.socket.close(1001, "going away");
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, closeTimeoutMs);
    });
    await Promise.race([Promise.all(connections.map((connection) => connection.closed)), timedOut]);
    clearTimeout(timer);
    const remaining = [...this.#connections];
    if (remaining.length === 0) return;
    this.#logger.warn({ connections: remaining.length }, "connections did not close in time: terminated");
    for (const connection of remaining) connection.socket.terminate();
    await Promise.all(remaining.map((connection) => connection.closed));
  }

  /** Where the source accepts connections; null before start (or while the attached server is not listening). */
  address(): WebsocketSourceAddress | null {
    const server = this.#ownServer ?? this.#attachedServer;
    const address = server?.address();
    if (!address || typeof address === "string") return null;
    const host = address.address;
    const local = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
    const urlHost = local.includes(":") ? `[${local}]` : local;
    return {
      host,
      port: address.port,
      path: this.#options.path,
      url: `ws://${urlHost}:${address.port}${this.#options.path}`,
    };
  }

  /** Connection and message counters, as plain numbers. */
  stats(): WebsocketSourceStats {
    return { ...this.#metrics.snapshot(this.#paused), arrivingBytes: this.#receiveBudget.arrivingBytes };
  }
}
