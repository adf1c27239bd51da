import { ApiRoutes, type ApiServer, type SinkInstance, startApiServer } from "@framepipe/core";
import type { apiRoutesService } from "@framepipe/core/plugin";
import { createTestContext } from "@framepipe/testing";
import { previewSink } from "../../src/index.js";
import type { PreviewSinkOptionsInput } from "../../src/preview-sink-options.js";

/** A preview sink mounted on a real API server on 127.0.0.1 (free port). */
export interface PreviewServer {
  readonly sink: SinkInstance;
  readonly api: ApiServer;
  /** `http://127.0.0.1:<port>/preview` (or the configured path). */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts an API server with a preview sink, as `framepipe run` wires them. */
export async function startPreview(options: PreviewSinkOptionsInput = {}, host = "127.0.0.1"): Promise<PreviewServer> {
  const routes = new ApiRoutes({ host });
  const sink = await previewSink.create(
    previewSink.options.parse(options),
    createTestContext<{ apiRoutes: typeof apiRoutesService }>({
      kind: "sink",
      type: "preview",
      componentId: "preview",
      services: { apiRoutes: routes },
    }),
  );
  const api = await startApiServer({
    host: "127.0.0.1",
    port: 0,
    registry: { metrics: async () => "", contentType: "text/plain; version=0.0.4; charset=utf-8" },
    isReady: () => true,
    routes,
  });
  return {
    sink,
    api,
    url: `${api.url}${previewSink.options.parse(options).path}`,
    async close() {
      await sink.close?.();
      await api.close();
    },
  };
}
