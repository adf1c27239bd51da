import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createPipeline, type FrameType, type Logger, type Pipeline, type PipelineSummary } from "@framepipe/core";
import websocketSource from "@framepipe/source-websocket";
import express, { type Express } from "express";
import type { Observable, Subscription } from "rxjs";
import { createAppFrameSink } from "./app-frame-sink.js";
import { type ParticipantBoard, participantBoard } from "./participant-board.js";

/** Options of {@link createFrameServer}. */
export interface FrameServerOptions {
  /** The token Recall sends as `?token=` (the bot's realtime endpoint URL). */
  readonly token: string;
  /** Where Recall connects on the app's server. Default `/recall/`. */
  readonly path?: string;
  /** Default: silent. */
  readonly logger?: Logger;
}

/** An Express app serving its own routes, with framepipe receiving Recall bots on the same port. */
export interface FrameServer {
  readonly app: Express;
  readonly server: Server;
  readonly pipeline: Pipeline;
  /** The app's view of the meeting (RxJS), updated as frames and participant events arrive. */
  readonly board$: Observable<ParticipantBoard>;
  /** Starts the pipeline, then listens. Port 0 picks a free port. */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops the pipeline (closing Recall connections with 1001, draining frames), then the server. */
  close(): Promise<PipelineSummary>;
}

const frameTypes: readonly FrameType[] = ["webcam", "screenshare"];

/**
 * Builds the example app: `GET /hello`, `GET /participants` and
 * `GET /participants/:id/latest.png?type=webcam|screenshare`, plus framepipe's websocket source
 * attached to the same `http.Server` (the `httpServer` service) at `path`.
 */
export async function createFrameServer(options: FrameServerOptions): Promise<FrameServer> {
  const app = express();
  const server = createServer(app);
  const sink = createAppFrameSink();
  const pipeline = await createPipeline(
    {
      version: 1,
      sources: { recall: { type: "websocket", path: options.path ?? "/recall/", token: options.token } },
      sinks: { app: { type: "app-frames", inputs: ["recall"] } },
    },
    {
      plugins: [websocketSource, sink.definition],
      services: { httpServer: server, ...(options.logger ? { logger: options.logger } : {}) },
    },
  );
  const board$ = participantBoard(sink.frames$, pipeline.events$);
  let board: ParticipantBoard = new Map();
  // Subscribing now, before the pipeline starts, so no event is missed (both streams are hot).
  const subscription: Subscription = board$.subscribe((next) => {
    board = next;
  });

  app.get("/hello", (_request, response) => {
    response.type("text/plain").send("hello from the host app\n");
  });

  app.get("/participants", (_request, response) => {
    response.json(
      [...board.values()].map((entry) => ({
        recordingId: entry.recordingId,
        id: entry.participantId,
        name: entry.name,
        frames: entry.frames,
        streams: frameTypes.filter((type) => entry.latest[type] !== undefined),
        left: entry.left,
      })),
    );
  });

  app.get("/participants/:id/latest.png", (request, response) => {
    const type = (request.query.type ?? "webcam") as FrameType;
    if (!frameTypes.includes(type)) {
      response.status(400).json({ error: `type must be webcam or screenshare` });
      return;
    }
    const frame = board.get(Number(request.params.id))?.latest[type];
    if (frame === undefined || frame.image.format !== "png") {
      response.status(404).json({ error: `no ${type} frame for participant ${request.params.id}` });
      return;
    }
    response.type("png").set("cache-control", "no-store").set("x-frame-seq", String(frame.seq)).send(frame.image.data);
  });

  return {
    app,
    server,
    pipeline,
    board$,
    async listen(port, host = "127.0.0.1") {
      await pipeline.start();
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      return server.address() as AddressInfo;
    },
    async close() {
      const summary = await pipeline.stop({ reason: "app closing" });
      subscription.unsubscribe();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return summary;
    },
  };
}
