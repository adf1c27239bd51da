import { createPipeline, type Pipeline } from "@framepipe/core";
import websocketSource from "@framepipe/source-websocket";
import { WebSocketServer } from "ws";
import { freePort } from "./free-port.js";
import { createNullSink } from "./null-sink.js";

/** A receiver under test: started before a pass, counted during it, stopped after it. */
export interface BenchReceiver {
  /** The URL the sender connects to. */
  readonly url: string;
  /** Resolves once `count` frames have been fully received (decoded, or written to the null sink). */
  reached(count: number): Promise<void>;
  /** Frames fully received so far. */
  frames(): number;
  stop(): Promise<void>;
}

/**
 * The baseline: a hand-written minimal receiver. A ws server (defaults, no compression) whose
 * message handler does `JSON.parse(data.toString())` and `Buffer.from(buffer, "base64")`, and
 * nothing else: no validation, no grouping, no order, no backpressure.
 */
export async function startMinimalReceiver(): Promise<BenchReceiver> {
  let frames = 0;
  let target = Number.POSITIVE_INFINITY;
  let wake: (() => void) | null = null;
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    perMessageDeflate: false,
    maxPayload: 16 * 2 ** 20,
  });
  server.on("connection", (socket) => {
    socket.on("message", (data: Buffer) => {
      const envelope = JSON.parse(data.toString()) as { data: { data: { buffer: string } } };
      const image = Buffer.from(envelope.data.data.buffer, "base64");
      if (image.length === 0) throw new Error("empty image");
      frames += 1;
      if (frames >= target && wake) {
        const resolve = wake;
        wake = null;
        resolve();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the baseline server has no port");
  return {
    url: `ws://127.0.0.1:${address.port}/recall/`,
    reached(count) {
      if (frames >= count) return Promise.resolve();
      target = count;
      return new Promise<void>((resolve) => {
        wake = resolve;
      });
    },
    frames: () => frames,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

const token = "bench-token-0123456789";

/**
 * framepipe: `createPipeline` with the websocket source (token authentication, default options)
 * wired to a null sink, with the runtime's defaults (per-stream lanes, flow control, metrics).
 */
export async function startFramepipeReceiver(): Promise<BenchReceiver & { readonly pipeline: Pipeline }> {
  const port = await freePort();
  const sink = createNullSink();
  const pipeline = await createPipeline(
    {
      version: 1,
      sources: { recall: { type: "websocket", host: "127.0.0.1", port, path: "/recall/", token } },
      sinks: { discard: { type: "null", inputs: ["recall"] } },
      api: { port: null },
    },
    { plugins: [websocketSource, sink.definition] },
  );
  await pipeline.start();
  return {
    pipeline,
    url: `ws://127.0.0.1:${port}/recall/?token=${token}`,
    reached: (count) => sink.reached(count),
    frames: () => sink.written,
    async stop() {
      await pipeline.stop({ reason: "bench pass over" });
    },
  };
}
