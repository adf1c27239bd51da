import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createPipeline,
  defineSink,
  type Logger,
  type Pipeline,
  type PipelineSummary,
  type VideoFrame,
} from "@framepipe/core";
import websocketSource from "@framepipe/source-websocket";
import resizeTransform from "@framepipe/transform-resize";
import { z } from "zod";
import type { DescribeScreen } from "./describe-screen.js";

/** Options of {@link createScreenAnalyzer}. */
export interface ScreenAnalyzerOptions {
  /** The token Recall sends as `?token=` (the bot's realtime endpoint URL). */
  readonly token: string;
  /** Your LLM call; see `createStubDescriber` for the shape. */
  readonly describeScreen: DescribeScreen;
  /** Called with each description, in order per shared screen. */
  readonly onDescription?: (description: string, frame: VideoFrame) => void;
  /** Frames buffered per stream before the oldest is dropped. Default 4 (2 s of a 2 fps stream). */
  readonly queue?: number;
  /** Where Recall connects. Default `/recall/`. */
  readonly path?: string;
  /** Default: silent. */
  readonly logger?: Logger;
}

/** A running analyzer: an http server with the Recall websocket on it, and the pipeline behind. */
export interface ScreenAnalyzer {
  readonly server: Server;
  readonly pipeline: Pipeline;
  /** Starts the pipeline, then listens. Port 0 picks a free port. */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, finishes the frames already accepted (their LLM calls included), closes. */
  close(): Promise<PipelineSummary>;
}

/**
 * Shared screens → an LLM, built in code: keep only screenshare frames, sample one per second
 * (by frame timestamps), skip a frame identical to the previous one kept, shrink to a 1024-wide
 * JPEG, and hand each to `describeScreen` through a sink defined right here. `drop-oldest`: when
 * the model is slower than the screens change, the oldest waiting frames are dropped, so the
 * model always gets a recent screen instead of working through a growing backlog.
 */
export async function createScreenAnalyzer(options: ScreenAnalyzerOptions): Promise<ScreenAnalyzer> {
  const describeSink = defineSink({
    type: "describe-screen",
    summary: "Sends each frame to the app's describeScreen function (an LLM call)",
    options: z.strictObject({}),
    create: (_options, context) => ({
      async write(frame) {
        const description = await options.describeScreen(frame);
        context.logger.info(
          { participantId: frame.participant.id, relative: frame.timestamp.relative, description },
          "screen described",
        );
        options.onDescription?.(description, frame);
      },
    }),
  });

  const server = createServer((_request, response) => {
    response.writeHead(404).end();
  });
  const pipeline = await createPipeline(
    {
      version: 1,
      sources: { recall: { type: "websocket", path: options.path ?? "/recall/", token: options.token } },
      transforms: {
        screens: { type: "filter", inputs: ["recall"], types: ["screenshare"] },
        // Sampling before dedupe: each second's first frame shows the screen as it is then, so
        // a change is seen within a second even if nothing changes after it.
        everySecond: { type: "sample", inputs: ["screens"], fps: 1 },
        changed: { type: "dedupe", inputs: ["everySecond"] },
        jpeg: { type: "resize", inputs: ["changed"], width: 1024, format: "jpeg", quality: 80 },
      },
      sinks: { llm: { type: "describe-screen", inputs: ["jpeg"] } },
      runtime: { overflow: "drop-oldest", queue: options.queue ?? 4 },
    },
    {
      plugins: [websocketSource, resizeTransform, describeSink],
      services: { httpServer: server, ...(options.logger ? { logger: options.logger } : {}) },
    },
  );

  return {
    server,
    pipeline,
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
      const summary = await pipeline.stop({ reason: "analyzer closing" });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return summary;
    },
  };
}
