import { createServer, request as httpRequest, type Server } from "node:http";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { ApiRoutes, isLoopbackHost } from "../../src/operations/api-routes.js";
import { type ApiServer, startApiServer } from "../../src/operations/api-server.js";

function get(url: string, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    request.on("error", reject);
    request.end();
  });
}

const running: ApiServer[] = [];
const hostServers: Server[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
  await Promise.all(hostServers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(routes: ApiRoutes, server?: Server): Promise<ApiServer> {
  const api = await startApiServer({
    port: 0,
    registry: new Registry(),
    isReady: () => true,
    routes,
    ...(server ? { server } : {}),
  });
  running.push(api);
  return api;
}

describe("isLoopbackHost", () => {
  it("knows loopback addresses and names", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "example.com", "localhost.example.com", ""]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe("ApiRoutes", () => {
  it("defaults to 127.0.0.1 and tells whether the listener is loopback only", () => {
    expect(new ApiRoutes().loopbackOnly).toBe(true);
    expect(new ApiRoutes({ host: "0.0.0.0" }).loopbackOnly).toBe(false);
  });

  it("refuses malformed, built-in and duplicate prefixes", () => {
    const routes = new ApiRoutes();
    for (const prefix of ["preview", "/", "/a/", "/a b", "/../x"]) {
      expect(() => routes.mount(prefix, () => {}), prefix).toThrow(TypeError);
    }
    expect(() => routes.mount("/metrics", () => {})).toThrow(/framepipe's own/);
    routes.mount("/preview", () => {});
    expect(() => routes.mount("/preview", () => {})).toThrow(/already mounted/);
  });

  it("matches the prefix itself and paths below it, not paths that merely start alike", () => {
    const routes = new ApiRoutes();
    const handler = () => {};
    routes.mount("/preview", handler);
    expect(routes.find("/preview")).toBe(handler);
    expect(routes.find("/preview/events")).toBe(handler);
    expect(routes.find("/previewer")).toBeUndefined();
    expect(routes.prefixes).toEqual(["/preview"]);
  });

  it("routes mounted on a running API server answer, and answer 404 once removed", async () => {
    const routes = new ApiRoutes();
    const api = await serve(routes);
    expect((await get(`${api.url}/hello`)).status).toBe(404);
    const remove = routes.mount("/hello", (request, response) => {
      response.end(`hello ${request.method} ${request.url}`);
    });
    expect(await get(`${api.url}/hello/there?x=1`, "POST")).toEqual({
      status: 200,
      body: "hello POST /hello/there?x=1",
    });
    expect((await get(`${api.url}/health`)).status).toBe(200);
    const notFound = await get(`${api.url}/nothing`);
    expect(JSON.parse(notFound.body).routes).toEqual(["/metrics", "/health", "/ready", "/hello"]);
    remove();
    remove();
    expect((await get(`${api.url}/hello`)).status).toBe(404);
  });

  it("answers 500 when a mounted handler rejects before responding", async () => {
    const routes = new ApiRoutes();
    const api = await serve(routes);
    routes.mount("/broken", async () => {
      throw new Error("boom");
    });
    expect(await get(`${api.url}/broken`)).toEqual({ status: 500, body: JSON.stringify({ error: "boom" }) });
  });

  it("serves mounted routes from an existing server, leaving its other paths to the host", async () => {
    const host = createServer((_request, response) => response.end("host"));
    hostServers.push(host);
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    const routes = new ApiRoutes();
    const api = await serve(routes, host);
    routes.mount("/preview", (_request, response) => {
      response.end("preview");
    });
    expect((await get(`${api.url}/preview/x`)).body).toBe("preview");
    expect((await get(`${api.url}/elsewhere`)).body).toBe("host");
  });
});
