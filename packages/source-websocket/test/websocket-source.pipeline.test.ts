import { createServer, type Server } from "node:http";
import { createPipeline, type Pipeline } from "@framepipe/core";
import { createCollectSink, createFakeRecallBot } from "@framepipe/testing";
import { afterEach, describe, expect, it } from "vitest";
import websocketSource from "../src/index.js";
import { paddedPng } from "./support/clients.js";

const token = "pipeline-token-1";
let pipeline: Pipeline | null = null;
let server: Server | null = null;

afterEach(async () => {
  await pipeline?.stop();
  pipeline = null;
  const host = server;
  server = null;
  if (host) await new Promise((resolve) => host.close(resolve));
});

describe("websocket source in a pipeline", () => {
  it("under overflow: block, a held sink pauses the source and slows the bot; nothing is lost", async () => {
    server = createServer();
    const host = server;
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    const address = host.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const collect = createCollectSink({ beforeWrite: () => held });
    pipeline = await createPipeline(
      {
        version: 1,
        sources: { recall: { type: "websocket", path: "/recall/", token } },
        sinks: { collect: { type: "collect", inputs: ["recall"] } },
        runtime: { queue: 2, overflow: "block", maxInFlightBytes: "8MiB" },
        api: { port: null },
      },
      { plugins: [websocketSource, collect.definition], services: { httpServer: host } },
    );
    const running = pipeline;
    await running.start();
    const png = paddedPng(1024 * 1024);
    let pausedWhileSending: () => void = () => {};
    const slowedDown = new Promise<void>((resolve) => {
      pausedWhileSending = resolve;
    });
    const bot = createFakeRecallBot({
      url: `ws://127.0.0.1:${port}/recall/`,
      token,
      participants: 1,
      duration: 20,
      rate: "max",
      images: () => png,
      highWaterBytes: 4 * 1024 * 1024,
      onEvent: (event) => {
        if (event.type === "backpressure" && running.stats().components.recall?.paused === true) pausedWhileSending();
      },
    });
    const sending = bot.run();
    await slowedDown;
    expect(bot.report().totals.framesSent).toBeLessThan(40);
    expect(collect.frames).toHaveLength(0);
    expect(running.stats().inFlightBytes).toBeLessThanOrEqual(2 * 8 * 1024 * 1024);
    release();
    const report = await sending;
    expect(report.outcome).toBe("completed");
    await collect.waitFor(40);
    expect(collect.frames.map((frame) => frame.seq)).toEqual(Array.from({ length: 40 }, (_, index) => index));
    expect(running.stats().dropped).toEqual({});
  });
});
