import { once } from "node:events";
import { Agent, createServer, request as httpRequest, type Server } from "node:http";
import type { Socket } from "node:net";
import { Counter, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { FramepipeError } from "../../src/errors/framepipe-error.js";
import { type ApiServer, type ReadinessState, startApiServer } from "../../src/operations/api-server.js";
import type { FailingSink } from "../../src/runtime/pipeline-types.js";

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function get(url: string, options: { method?: string; agent?: Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? "GET", agent: options.agent ?? false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    request.on("error", reject);
    request.end();
  });
}

const running: ApiServer[] = [];
const hostServers: Server[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
  await Promise.all(
    hostServers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

function registryWithCounter(): Registry {
  const registry = new Registry();
  const counter = new Counter({
    name: "framepipe_frames_received_total",
    help: "Frames received",
    labelNames: ["component"],
    registers: [registry],
  });
  counter.inc({ component: "recall" }, 3);
  return registry;
}

async function start(overrides: Partial<Parameters<typeof startApiServer>[0]> = {}): Promise<ApiServer> {
  const server = await startApiServer({
    host: "127.0.0.1",
    port: 0,
    registry: registryWithCounter(),
    isReady: () => true,
    ...overrides,
  });
  running.push(server);
  return server;
}

describe("startApiServer", () => {
  it("listens on an ephemeral port and reports it", async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it("serves Prometheus text on /metrics with the registry's content type", async () => {
    const registry = registryWithCounter();
    const server = await start({ registry });
    const reply = await get(`${server.url}/metrics`);
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe(registry.contentType);
    expect(reply.body).toContain("# TYPE framepipe_frames_received_total counter");
    expect(reply.body).toContain('framepipe_frames_received_total{component="recall"} 3');
  });

  it("answers /health with 200 ok, or 503 when unhealthy", async () => {
    let healthy = true;
    const server = await start({ isHealthy: () => healthy });
    const ok = await get(`${server.url}/health`);
    expect([ok.status, JSON.parse(ok.body)]).toEqual([200, { status: "ok" }]);
    expect(ok.headers["content-type"]).toBe("application/json; charset=utf-8");
    healthy = false;
    const bad = await get(`${server.url}/health`);
    expect([bad.status, JSON.parse(bad.body)]).toEqual([503, { status: "unhealthy" }]);
  });

  it("answers /ready by the pipeline's state, booleans or state names", async () => {
    let state: boolean | ReadinessState = false;
    const server = await start({ isReady: () => state });
    const seen: [number, unknown][] = [];
    for (const next of [false, "starting", true, "ready", "draining"] as const) {
      state = next;
      const reply = await get(`${server.url}/ready`);
      seen.push([reply.status, JSON.parse(reply.body)]);
    }
    expect(seen).toEqual([
      [503, { status: "starting" }],
      [503, { status: "starting" }],
      [200, { status: "ready" }],
      [200, { status: "ready" }],
      [503, { status: "draining" }],
    ]);
  });

  it("names a failing sink: /ready 503 failing, /health 200 degraded (no restart), both back once it recovers", async () => {
    const disk: FailingSink = {
      component: "disk",
      label: "sink:fs#disk",
      reason: "read-only file system (EROFS)",
      error: "[framepipe] [sink:fs#disk] cannot write …",
      since: "2026-12-04T10:00:00.000Z",
      failedAttempts: 3,
    };
    let failing: FailingSink[] = [disk];
    const server = await start({ failing: () => failing });
    const ready = await get(`${server.url}/ready`);
    expect([ready.status, JSON.parse(ready.body)]).toEqual([503, { status: "failing", failing: [disk] }]);
    const health = await get(`${server.url}/health`);
    expect([health.status, JSON.parse(health.body)]).toEqual([200, { status: "degraded", failing: [disk] }]);

    failing = [];
    const recovered = await Promise.all([get(`${server.url}/ready`), get(`${server.url}/health`)]);
    expect(recovered.map((reply) => [reply.status, JSON.parse(reply.body)])).toEqual([
      [200, { status: "ready" }],
      [200, { status: "ok" }],
    ]);
  });

  it("lets starting, draining and a failed pipeline win over a failing sink", async () => {
    const disk = { component: "disk", label: "sink:fs#disk", reason: "x", error: "x", since: "", failedAttempts: 1 };
    let state: ReadinessState = "draining";
    let healthy = false;
    const server = await start({ isReady: () => state, isHealthy: () => healthy, failing: () => [disk] });
    expect(JSON.parse((await get(`${server.url}/ready`)).body)).toEqual({ status: "draining" });
    expect(JSON.parse((await get(`${server.url}/health`)).body)).toEqual({ status: "unhealthy" });
    state = "starting";
    healthy = true;
    expect(JSON.parse((await get(`${server.url}/ready`)).body)).toEqual({ status: "starting" });
  });

  it("answers 404 for other paths, 405 for other methods, and HEAD without a body", async () => {
    const server = await start();
    expect((await get(`${server.url}/`)).status).toBe(404);
    expect((await get(`${server.url}/metricsx`)).status).toBe(404);
    const post = await get(`${server.url}/metrics`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    const head = await get(`${server.url}/health`, { method: "HEAD" });
    expect([head.status, head.body]).toEqual([200, ""]);
    expect((await get(`${server.url}/ready?probe=1`)).status).toBe(200);
  });

  it("answers 500 when collecting metrics fails, and keeps serving", async () => {
    const registry = {
      contentType: "text/plain",
      metrics: () => Promise.reject(new Error("collector exploded")),
    } as unknown as Registry;
    const server = await start({ registry });
    const reply = await get(`${server.url}/metrics`);
    expect([reply.status, JSON.parse(reply.body)]).toEqual([500, { error: "collector exploded" }]);
    expect((await get(`${server.url}/health`)).status).toBe(200);
  });

  it("rejects with a clear FramepipeError when the port is in use", async () => {
    const first = await start();
    const error = await startApiServer({
      host: "127.0.0.1",
      port: first.port,
      registry: new Registry(),
      isReady: () => true,
    }).catch((caught: unknown) => caught);
    expect(FramepipeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "PIPELINE_FAILED", component: "api", stage: "start" });
    expect((error as Error).message).toBe(
      `[framepipe] [api] cannot serve /metrics, /health and /ready on 127.0.0.1:${first.port}: ` +
        "the port is already in use; set api.port to a free port (or 0 for any free port)",
    );
  });

  it("closes idle keep-alive connections on close(), and close() is idempotent", async () => {
    const server = await startApiServer({ host: "127.0.0.1", port: 0, registry: new Registry(), isReady: () => true });
    const agent = new Agent({ keepAlive: true });
    try {
      let socket: Socket | undefined;
      agent.once("free", (freed: Socket) => {
        socket = freed;
      });
      expect((await get(`${server.url}/health`, { agent })).status).toBe(200);
      expect(socket?.destroyed).toBe(false);
      const socketClosed = once(socket as Socket, "close");
      await Promise.all([server.close(), server.close()]);
      await socketClosed;
      await expect(get(`${server.url}/health`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    } finally {
      agent.destroy();
    }
  });

  it("serves its routes from an existing server, leaves other requests to it, and detaches on close", async () => {
    const host = createServer((_request, response) => {
      response.end("host app");
    });
    hostServers.push(host);
    host.listen(0, "127.0.0.1");
    await once(host, "listening");
    const api = await startApiServer({ server: host, registry: registryWithCounter(), isReady: () => "draining" });
    expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
    expect((await get(`${api.url}/metrics`)).body).toContain("framepipe_frames_received_total");
    expect((await get(`${api.url}/ready`)).status).toBe(503);
    expect((await get(`${api.url}/other`)).body).toBe("host app");
    await api.close();
    expect((await get(`${api.url}/metrics`)).body).toBe("host app");
    expect(host.listening).toBe(true);
  });
});
