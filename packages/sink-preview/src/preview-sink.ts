import type { IncomingMessage, ServerResponse } from "node:http";
import {
  apiRoutesService,
  defineSink,
  describeError,
  type PluginContext,
  type SinkInstance,
  type VideoFrame,
} from "@framepipe/core";
import { loadPageAssets, type PageFile } from "./page-assets.js";
import { PreviewAccess } from "./preview-access.js";
import { type PreviewSinkOptions, previewSinkOptions } from "./preview-sink-options.js";
import { PreviewState, type PreviewStream } from "./preview-state.js";
import { PreviewViewers } from "./preview-viewers.js";
import { makeThumbnail, usableAsThumbnail } from "./thumbnail.js";

const deps = { apiRoutes: apiRoutesService } as const;

/**
 * Thumbnails being made at once across all streams; frames arriving meanwhile are skipped. One:
 * the preview never holds more than one of libuv's threads, which the pipeline's sharp and fs work share.
 */
const maxEncodesInFlight = 1;
const framePath = /^\/frame\/(s\d{1,9})\.jpg$/;

function sendText(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    ...headers,
  });
  response.end(body);
}

/**
 * Builds a running `preview` sink: mounts the page on the API listener (refusing to start when the
 * API is off, or bound beyond loopback without a token), tracks every stream it is written, makes
 * a small JPEG of at most `fps` frames per second per stream while a viewer is connected, and
 * pushes tile updates to the page over server-sent events.
 */
export async function createPreviewSink(
  options: PreviewSinkOptions,
  context: PluginContext<typeof deps>,
): Promise<SinkInstance> {
  const routes = context.services.apiRoutes;
  if (!routes) {
    throw context.error(
      "the preview is served on framepipe's API listener, which is off: set api.port (default 9464), or, embedded, " +
        "pass services: { apiRoutes } to createPipeline and routes to startApiServer",
      { stage: "create", code: "CONFIG_INVALID" },
    );
  }
  if (!routes.loopbackOnly && options.token === undefined) {
    throw context.error(
      `api.host is ${routes.host}, which other machines can reach, and the preview shows meeting video and names: ` +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the message quotes the interpolation syntax.
        "set the sink's token (e.g. token: ${PREVIEW_TOKEN}), or bind api.host to 127.0.0.1",
      { stage: "create", code: "CONFIG_INVALID" },
    );
  }
  const assets = await loadPageAssets();
  const thumbnails = context.metrics.counter("preview_thumbnails_total", "Preview thumbnails made.");
  const thumbnailErrors = context.metrics.counter(
    "preview_thumbnail_errors_total",
    "Frames the preview could not shrink.",
  );
  const viewerGauge = context.metrics.gauge("preview_viewers", "Preview pages connected now.");

  const state = new PreviewState(options);
  const viewers = new PreviewViewers(state, {
    batchMs: 200,
    now: Date.now,
    onCount: (count) => viewerGauge.set(count),
  });
  state.onChange = (id) => viewers.changed(id);
  state.onRemove = (id) => viewers.removed(id);
  const access = new PreviewAccess(options.token, options.path);
  const encodes = new Set<Promise<void>>();
  let warnedEncode = false;

  const encode = (stream: PreviewStream, frame: VideoFrame): void => {
    const done = makeThumbnail(frame.image, options).then(
      (thumbnail) => {
        thumbnails.inc();
        state.thumbnailDone(stream, thumbnail);
      },
      (error: unknown) => {
        thumbnailErrors.inc();
        state.thumbnailDone(stream, null);
        if (!warnedEncode) {
          warnedEncode = true;
          context.logger.warn(
            { format: frame.image.format, error: describeError(error) },
            "the preview cannot shrink these frames; their tiles show no image",
          );
        }
      },
    );
    encodes.add(done);
    void done.finally(() => encodes.delete(done));
  };

  const serveAsset = (response: ServerResponse, request: IncomingMessage, name: PageFile) => {
    const asset = assets.get(name);
    if (!asset) return sendText(response, 404, "not found");
    response.writeHead(200, {
      "content-type": asset.type,
      "content-length": asset.body.length,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      ...(name === "preview.html"
        ? {
            "content-security-policy": "default-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'",
          }
        : {}),
    });
    response.end(request.method === "HEAD" ? undefined : asset.body);
  };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://preview.invalid");
    const decision = access.check(request, url.searchParams);
    if (!decision.allowed) {
      const headers: Record<string, string> =
        decision.status === 401 ? { "www-authenticate": 'Bearer realm="framepipe preview"' } : {};
      return sendText(response, decision.status, `${decision.reason}\n`, headers);
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return sendText(response, 405, "method not allowed\n", { allow: "GET, HEAD" });
    }
    const rest = url.pathname.slice(options.path.length);
    if (decision.setCookie !== undefined && (rest === "" || rest === "/")) {
      // The page was opened with its token in the address: keep it in a cookie, and drop it from
      // the address bar and history. (Other paths with ?token=, from scripts, are just served.)
      url.searchParams.delete("token");
      const query = url.searchParams.toString();
      response.writeHead(303, {
        location: `${options.path}/${query ? `?${query}` : ""}`,
        "set-cookie": decision.setCookie,
        "cache-control": "no-store",
        "content-length": 0,
      });
      return void response.end();
    }
    if (rest === "") {
      // The page's files are relative to it: serve it as a folder, `/preview/`.
      response.writeHead(308, { location: `${options.path}/${url.search}`, "content-length": 0 });
      return void response.end();
    }
    if (rest === "/") return serveAsset(response, request, "preview.html");
    if (rest === "/preview.js") return serveAsset(response, request, "preview.js");
    if (rest === "/preview.css") return serveAsset(response, request, "preview.css");
    if (rest === "/events") {
      if (request.method === "HEAD") {
        response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store" });
        return void response.end();
      }
      return viewers.add(response);
    }
    const frame = framePath.exec(rest);
    if (frame) {
      const stream = state.byId(frame[1] ?? "");
      if (!stream?.thumbnail) return sendText(response, 404, "no thumbnail\n");
      response.writeHead(200, {
        "content-type": "image/jpeg",
        "content-length": stream.thumbnail.length,
        // Each version has its own URL (?v=), so a version may be cached, but not beyond this page.
        "cache-control": "private, max-age=60",
        "x-content-type-options": "nosniff",
      });
      return void response.end(request.method === "HEAD" ? undefined : stream.thumbnail);
    }
    return sendText(response, 404, "not found\n");
  };

  const unmount = routes.mount(options.path, handle);
  let ticks = 0;
  const sweeper = setInterval(() => {
    state.sweep(Date.now());
    ticks += 1;
    if (ticks % 15 === 0) viewers.heartbeat();
  }, 1000);
  sweeper.unref();
  context.logger.debug({ path: options.path, protected: access.protected }, "preview mounted");

  let closed = false;
  return {
    write(frame: VideoFrame): void {
      if (closed) return;
      // A small JPEG (after a resize) is its own thumbnail: stored at once, outside the CPU budget.
      const free = usableAsThumbnail(frame.image, options);
      const mayEncode = viewers.count > 0 && (free || encodes.size < maxEncodesInFlight);
      const decision = state.frame(frame, Date.now(), mayEncode, free);
      if (!decision?.encode) return;
      if (free) {
        thumbnails.inc();
        state.thumbnailDone(decision.stream, frame.image);
      } else encode(decision.stream, frame);
    },
    endStream(stream): void {
      state.endStream(stream.key, Date.now());
    },
    endGroup(group): void {
      state.endGroup(group.key, Date.now());
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      unmount();
      clearInterval(sweeper);
      viewers.flush();
      viewers.close();
      await Promise.allSettled([...encodes]);
    },
  };
}

/** The `preview` sink: a live page of every participant stream at `/preview` on the API listener. */
export const previewSink = defineSink({
  type: "preview",
  summary: "live page of every participant stream (latest frame, name, fps, drops) at /preview on the API listener",
  options: previewSinkOptions,
  deps,
  create: createPreviewSink,
});
