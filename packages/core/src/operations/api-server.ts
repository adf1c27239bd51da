import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { FramepipeError } from "../errors/framepipe-error.js";
import type { FailingSink } from "../runtime/pipeline-types.js";
import type { ApiRoutes } from "./api-routes.js";

/** Where a pipeline is in its life, as `/ready` reports it. */
export type ReadinessState = "starting" | "ready" | "draining";

/** Options for {@link startApiServer}. */
export interface ApiServerOptions {
  /** Interface to listen on. Default `127.0.0.1`; use `0.0.0.0` for scrapes from other hosts. */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one (see {@link ApiServer.port}). Default 9464. */
  readonly port?: number;
  /** The prom-client registry `/metrics` serves. */
  readonly registry: Pick<Registry, "metrics" | "contentType">;
  /** `/ready`: `true` or `"ready"` answers 200; `false` (read as `"starting"`), `"starting"` or `"draining"` answer 503. */
  readonly isReady: () => boolean | ReadinessState;
  /** `/health`: 200 when true (the default), 503 otherwise. */
  readonly isHealthy?: () => boolean;
  /**
   * Sinks failing now (`pipeline.stats().failing`). While any is, `/ready` answers 503
   * `{"status":"failing","failing":[…]}`, so a load balancer sends new bots elsewhere, and
   * `/health` answers 200 `{"status":"degraded","failing":[…]}`: it names the sink, but a
   * liveness probe must not restart the process (the frames it holds would be lost, and a restart
   * frees no disk space). Default: none.
   */
  readonly failing?: () => readonly FailingSink[];
  /**
   * Serve from an existing server instead of listening: requests to `/metrics`, `/health` and
   * `/ready` are answered, every other request goes to the server's own request listeners. The
   * server is not closed by {@link ApiServer.close}; only the routes are removed.
   */
  readonly server?: Server;
  /**
   * Routes plugins mount (the `preview` sink's `/preview`): a request whose path no built-in route
   * answers goes to the handler of the {@link ApiRoutes} prefix covering it, looked up per request,
   * so routes mounted or removed while serving take effect at once. Default: none.
   */
  readonly routes?: ApiRoutes;
}

/** A running API endpoint. */
export interface ApiServer {
  /** Base URL such as `http://127.0.0.1:9464` (empty while an attached server is not listening). */
  readonly url: string;
  /** The port actually listened on (0 while an attached server is not listening). */
  readonly port: number;
  /** Stops serving; closes keep-alive connections at once. Safe to call twice. */
  close(): Promise<void>;
}

const component = "api";
const routes = new Set(["/metrics", "/health", "/ready"]);
type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

function send(response: ServerResponse, request: IncomingMessage, status: number, type: string, body: string): void {
  response.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  response.end(request.method === "HEAD" ? undefined : body);
}

function sendJson(response: ServerResponse, request: IncomingMessage, status: number, body: object): void {
  send(response, request, status, "application/json; charset=utf-8", JSON.stringify(body));
}

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

function readinessOf(options: ApiServerOptions): ReadinessState {
  const state = options.isReady();
  if (state === true) return "ready";
  if (state === false) return "starting";
  return state;
}

async function answer(options: ApiServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = pathOf(request);
  if (!routes.has(path)) {
    const mounted = options.routes?.find(path);
    if (mounted) return mounted(request, response);
    return sendJson(response, request, 404, {
      error: "not found",
      routes: [...routes, ...(options.routes?.prefixes ?? [])],
    });
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.setHeader("allow", "GET, HEAD");
    return sendJson(response, request, 405, { error: "method not allowed" });
  }
  if (path === "/metrics") {
    const body = await options.registry.metrics();
    return send(response, request, 200, options.registry.contentType, body);
  }
  const failing = options.failing?.() ?? [];
  if (path === "/health") {
    const healthy = options.isHealthy?.() ?? true;
    if (!healthy) return sendJson(response, request, 503, { status: "unhealthy" });
    if (failing.length > 0) return sendJson(response, request, 200, { status: "degraded", failing });
    return sendJson(response, request, 200, { status: "ok" });
  }
  const state = readinessOf(options);
  if (state === "ready" && failing.length > 0) return sendJson(response, request, 503, { status: "failing", failing });
  return sendJson(response, request, state === "ready" ? 200 : 503, { status: state });
}

function createHandler(options: ApiServerOptions): RequestListener {
  return (request, response) => {
    answer(options, request, response).catch((error: unknown) => {
      // A failing metrics collector or status callback must not take the process down.
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendJson(response, request, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  };
}

function baseUrl(address: AddressInfo | string | null): { url: string; port: number } {
  if (address === null || typeof address === "string") return { url: "", port: 0 };
  // An unspecified address accepts local connections too; give a URL a person can open.
  const host = address.address === "0.0.0.0" ? "127.0.0.1" : address.address === "::" ? "::1" : address.address;
  return { url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`, port: address.port };
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): FramepipeError {
  const where = `${host}:${port}`;
  const reason =
    error.code === "EADDRINUSE"
      ? "the port is already in use; set api.port to a free port (or 0 for any free port)"
      : error.code === "EACCES"
        ? "permission denied; ports below 1024 need privileges, use a higher api.port"
        : error.code === "EADDRNOTAVAIL"
          ? "the address is not available on this machine; check api.host"
          : error.message;
  return new FramepipeError({
    code: "PIPELINE_FAILED",
    component,
    stage: "start",
    message: `cannot serve /metrics, /health and /ready on ${where}: ${reason}`,
    cause: error,
  });
}

function attach(server: Server, options: ApiServerOptions): ApiServer {
  const handler = createHandler(options);
  const previous = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  const listener: RequestListener = (request, response) => {
    const path = pathOf(request);
    if (routes.has(path) || options.routes?.find(path) || previous.length === 0) return handler(request, response);
    for (const other of previous) other.call(server, request, response);
  };
  server.on("request", listener);
  let closed = false;
  return {
    get url() {
      return baseUrl(server.address()).url;
    },
    get port() {
      return baseUrl(server.address()).port;
    },
    async close() {
      if (closed) return;
      closed = true;
      server.removeListener("request", listener);
      for (const other of previous) server.on("request", other);
    },
  };
}

/**
 * Serves the operations endpoints of a pipeline over HTTP: `GET /metrics` (Prometheus text from
 * `registry`), `GET /health` (200 `{"status":"ok"}`, 200 `{"status":"degraded"}` naming the
 * failing sinks, or 503 once the pipeline failed) and `GET /ready` (200 `{"status":"ready"}`, or
 * 503 `{"status":"starting"|"draining"|"failing"}` so load balancers stop sending work during
 * startup, drain, and while a sink fails). Paths under a prefix mounted in `routes` go to its
 * handler; other paths answer 404, other methods 405.
 *
 * Listens on `host:port` (port 0 picks a free port), or, given `server`, serves from that
 * existing server. A port that cannot be used rejects with a {@link FramepipeError}.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  if (options.server !== undefined) return attach(options.server, options);
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 9464;
  const server = createServer(createHandler(options));
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, host, port));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const { url, port: actualPort } = baseUrl(server.address());
  let closing: Promise<void> | undefined;
  return {
    url,
    port: actualPort,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Scrapers keep connections alive; without this, close() would wait for their idle timeout.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
