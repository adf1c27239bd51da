import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import type { Duplex } from "node:stream";
import type { VideoFrameEvent } from "@framepipe/core";
import { createFakeRecallBot } from "@framepipe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { connectClient, paddedPng, sendMessage } from "./support/clients.js";
import { type StartedSource, startSource } from "./support/start-source.js";

const token = "test-token-123";
let started: StartedSource | null = null;
let host: Server | null = null;

afterEach(async () => {
  await started?.source.stop();
  started = null;
  const server = host;
  host = null;
  if (server) await new Promise((resolve) => server.close(resolve));
});

function frameCount(source: StartedSource): number {
  return source.events.filter((event) => event.kind === "video-frame").length;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("websocket source flow control and lifecycle", () => {
  it("pause() stops reading (the bot is held back by TCP backpressure) and resume() delivers the rest", async () => {
    started = await startSource();
    const source = started;
    source.source.pause();
    const png = paddedPng(1024 * 1024);
    let backpressure = 0;
    const waiters: Array<() => void> = [];
    // Resolves once the bot has started its `count`-th backpressure wait, even if that happened
    // before this was called (the bot can block on the slow reading before the test pauses).
    const backpressureWaits = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (backpressure >= count) resolve();
          else waiters.push(check);
        };
        check();
      });
    const firstBlock = backpressureWaits(1);
    const bot = createFakeRecallBot({
      url: source.url,
      token,
      participants: 2,
      // 64 frames of 1 MiB: after the first 10 are read, far more remain than loopback's socket
      // buffers and the bot's window can hold, so the second pause always holds the bot back.
      duration: 16,
      rate: "max",
      images: () => png,
      highWaterBytes: 4 * 1024 * 1024,
      onEvent: (event) => {
        if (event.type !== "backpressure") return;
        backpressure += 1;
        for (const wake of waiters.splice(0)) wake();
      },
    });
    const running = bot.run();
    await firstBlock;
    // The connection was paused on arrival: nothing has been read, the bot is waiting.
    expect(source.events).toHaveLength(0);
    expect(source.source.stats()).toMatchObject({ paused: true, connectionsOpen: 1, bytesReceived: 0 });
    source.source.resume();
    await source.waitForEvents(10);
    source.source.pause();
    await backpressureWaits(2);
    expect(frameCount(source)).toBeLessThan(64);
    source.source.resume();
    const report = await running;
    expect(report.outcome).toBe("completed");
    expect(backpressure).toBeGreaterThanOrEqual(2);
    expect(report.totals.backpressureWaits).toBe(backpressure);
    // The bot's own buffer stayed bounded by its window (plus the message being handed over).
    expect(report.bots[0]?.maxBufferedAmount).toBeLessThan(8 * 1024 * 1024);
    expect(frameCount(source)).toBe(64);
    expect(source.source.stats().paused).toBe(false);
  });

  it("attaches to an existing http.Server: host routes and other upgrade paths keep working", async () => {
    host = createServer((request, response) => response.end(`host app: ${request.url}`));
    const echo = new WebSocketServer({ noServer: true });
    host.on("upgrade", (request, socket, head) => {
      if (!request.url?.startsWith("/other")) return;
      echo.handleUpgrade(request, socket, head, (client) => client.on("message", (data) => client.send(data)));
    });
    const port = await listen(host);
    started = await startSource({ path: "/recall/", port: 1 }, host);
    expect(started.source.address()?.port).toBe(port);
    const report = await createFakeRecallBot({
      url: `ws://127.0.0.1:${port}/recall/`,
      token,
      participants: 2,
      duration: 1,
      rate: "max",
      images: "tiny",
    }).run();
    expect(report.outcome).toBe("completed");
    expect(frameCount(started)).toBe(4);
    const checkHost = async (): Promise<void> => {
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).text()).toBe("host app: /health");
      const other = await connectClient(`ws://127.0.0.1:${port}/other`);
      const reply = new Promise<string>((resolve) => other.once("message", (data) => resolve(String(data))));
      await sendMessage(other, "ping");
      expect(await reply).toBe("ping");
      other.close();
    };
    await checkHost();
    await started.source.stop();
    await started.completed;
    await checkHost();
    expect(host.listening).toBe(true);
    echo.close();
  });

  it("a bot whose connection is killed reconnects and continues the same recording", async () => {
    host = createServer();
    const upgraded = new Set<Duplex>();
    host.on("upgrade", (_request, socket) => upgraded.add(socket));
    const port = await listen(host);
    started = await startSource({ path: "/recall/", pingInterval: "50ms" }, host);
    const bot = createFakeRecallBot({
      url: `ws://127.0.0.1:${port}/recall/`,
      token,
      participants: 2,
      fps: 10,
      duration: 1.5,
      images: "tiny",
      reconnectInterval: 20,
    });
    const running = bot.run();
    await started.waitForEvents(6);
    for (const socket of upgraded) socket.destroy();
    const report = await running;
    expect(report.outcome).toBe("completed");
    expect(report.totals.reconnects).toBe(1);
    expect(started.source.stats()).toMatchObject({ connectionsAccepted: 2, deadPeers: 0 });
    const frames = started.events.flatMap((event) => (event.kind === "video-frame" ? [event.frame] : []));
    const recordingId = bot.identities[0]?.recordingId;
    expect(frames.every((frame) => frame.recording.id === recordingId)).toBe(true);
    const keys = frames.map((frame) => `${frame.participant.id}/${frame.timestamp.relative}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expect.arrayContaining(["100/1.4", "101/1.4"]));
    expect(frames.length).toBeLessThanOrEqual(report.totals.framesSent);
    const leaves = started.events.filter((event) => event.kind === "participant" && event.action === "leave");
    expect(leaves).toHaveLength(2);
  });

  it("terminates a peer that stops answering pings", async () => {
    started = await startSource({ pingInterval: "30ms" });
    const address = started.source.address();
    const socket = connect(address?.port ?? 0, "127.0.0.1");
    socket.write(
      `GET /?token=${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
    });
    await new Promise((resolve) => socket.once("close", resolve));
    expect(received.startsWith("HTTP/1.1 101")).toBe(true);
    expect(started.source.stats().deadPeers).toBe(1);
    expect(started.logs.filter((line) => line.message === "peer missed a pong: terminated")).toHaveLength(1);
  });

  it("keeps frames arriving after pause/resume cycles in order per stream", async () => {
    started = await startSource();
    const source = started;
    const bot = createFakeRecallBot({
      url: source.url,
      token,
      participants: 1,
      duration: 10,
      rate: "max",
      images: "tiny",
    });
    const running = bot.run();
    let cycles = 0;
    const subscription = source.source.events$.subscribe(() => {
      if (cycles >= 5) return;
      cycles += 1;
      source.source.pause();
      setImmediate(() => source.source.resume());
    });
    const report = await running;
    subscription.unsubscribe();
    const relatives = source.events.flatMap((event) =>
      event.kind === "video-frame" ? [(event as VideoFrameEvent).frame.timestamp.relative] : [],
    );
    expect(report.totals.framesSent).toBe(20);
    expect(relatives).toEqual(Array.from({ length: 20 }, (_, index) => index / 2));
  });
});
