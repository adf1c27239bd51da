import { connect, type Socket } from "node:net";
import { createFakeRecallBot, participantEventMessage } from "@framepipe/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { closeOf, connectClient, sendMessage } from "./support/clients.js";
import { type LogLine, type StartedSource, startSource } from "./support/start-source.js";

const token = "test-token-123";
let started: StartedSource | null = null;
const rawSockets: Socket[] = [];

afterEach(async () => {
  for (const socket of rawSockets.splice(0)) socket.destroy();
  await started?.source.stop();
  started = null;
});

function frameCount(source: StartedSource): number {
  return source.events.filter((event) => event.kind === "video-frame").length;
}

const connectionClosed = (line: LogLine): boolean => line.message === "websocket connection closed";

/** Runs a short meeting of 2 participants (4 frames) and returns its report. */
function runMeeting(source: StartedSource) {
  return createFakeRecallBot({
    url: source.url,
    token,
    participants: 2,
    duration: 1,
    rate: "max",
    images: "tiny",
  }).run();
}

/** A TCP connection that sends half a request line and then nothing: a slowloris client. */
function slowSocket(port: number): Promise<{ socket: Socket; response: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    rawSockets.push(socket);
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    const response = new Promise<string>((settle) => socket.once("close", () => settle(received)));
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.write("GET /?token=");
      resolve({ socket, response });
    });
  });
}

describe("websocket source connection limits", () => {
  it("closes authenticated connections that send nothing after idleTimeout (1001), then serves a real bot", async () => {
    started = await startSource({ maxConnections: 3, idleTimeout: "200ms" });
    const source = started;
    // Paused, idleness is not counted: the three hold every place until resume, however slow this machine is.
    source.source.pause();
    const idle: WebSocket[] = [];
    for (let index = 0; index < 3; index += 1) idle.push(await connectClient(`${source.url}?token=${token}`));
    const closes = idle.map((client) => closeOf(client));
    await expect(connectClient(`${source.url}?token=${token}`)).rejects.toMatchObject({ statusCode: 503 });
    source.source.resume();
    expect(await Promise.all(closes)).toEqual(Array(3).fill({ code: 1001, reason: "idle timeout" }));
    // The server's side of each close, so the slots are free before the bot connects.
    await source.waitForLogs(connectionClosed, 3);
    const report = await runMeeting(source);
    expect(report.outcome).toBe("completed");
    expect(report.bots[0]?.rejectedHandshakes).toEqual([]);
    expect(frameCount(source)).toBe(4);
    expect(source.source.stats()).toMatchObject({
      connectionsAccepted: 4,
      evicted: { "idle-timeout": 3 },
      rejected: { "too-many-connections": 1 },
    });
  });

  it("does not count paused time as idle", async () => {
    started = await startSource({ idleTimeout: "150ms" });
    const source = started;
    source.source.pause();
    const client = await connectClient(`${source.url}?token=${token}`);
    const closed = closeOf(client);
    const held = createFakeRecallBot({
      url: source.url,
      token,
      participants: 1,
      duration: 0.5,
      rate: "max",
      images: "tiny",
    });
    const running = held.run();
    // Not a synchronisation: time must pass beyond idleTimeout while reads are paused, since a
    // paused socket's silence is framepipe's backpressure, not the bot's.
    await new Promise<void>((resolve) => setTimeout(resolve, 400));
    source.source.resume();
    expect((await running).outcome).toBe("completed");
    expect(frameCount(source)).toBe(1);
    expect(await closed).toEqual({ code: 1001, reason: "idle timeout" });
    expect(source.source.stats().evicted).toEqual({ "idle-timeout": 1 });
  });

  it("closes a bot's connection beyond maxConnectionsPerBot (1013) once a message names the bot", async () => {
    started = await startSource({ maxConnectionsPerBot: 2 });
    const source = started;
    const url = `${source.url}?token=${token}`;
    const clients = [await connectClient(url), await connectClient(url), await connectClient(url)];
    const join = (bot: string, participant: number) =>
      participantEventMessage("join", { bot: { id: bot }, participant: { id: participant } });
    for (const [index, client] of clients.entries()) {
      await sendMessage(client, join("bot-a", index));
      await source.waitForEvents(index + 1);
    }
    expect(await closeOf(clients[2] as WebSocket)).toEqual({ code: 1013, reason: "too many connections for this bot" });
    expect(source.source.stats().evicted).toEqual({ "too-many-connections-per-bot": 1 });
    expect(source.logs.filter((line) => line.message.includes("maxConnectionsPerBot"))).toHaveLength(1);
    // Another bot is not affected, and the bot gets its place back once one of its connections closes.
    const other = await connectClient(url);
    await sendMessage(other, join("bot-b", 1));
    await source.waitForEvents(4);
    clients[0]?.close();
    await source.waitForLogs((line) => connectionClosed(line) && line.fields.botId === "bot-a", 2);
    const again = await connectClient(url);
    await sendMessage(again, join("bot-a", 7));
    await source.waitForEvents(5);
    expect(source.source.stats().evicted).toEqual({ "too-many-connections-per-bot": 1 });
    for (const client of [clients[1], other, again]) client?.close();
  });

  it("drops slow handshakes past maxPendingHandshakes and after headersTimeout, and still serves a bot", async () => {
    started = await startSource({ maxPendingHandshakes: 8, headersTimeout: "1s" });
    const source = started;
    const port = source.source.address()?.port ?? 0;
    const slow = [];
    for (let index = 0; index < 20; index += 1) slow.push(await slowSocket(port));
    const report = await runMeeting(source);
    expect(report.outcome).toBe("completed");
    expect(frameCount(source)).toBe(4);
    const responses = await Promise.all(slow.map((entry) => entry.response));
    const statuses = responses.map((response) => response.slice(0, 12));
    expect(new Set(statuses)).toEqual(new Set(["HTTP/1.1 503", "HTTP/1.1 408"]));
    const rejected = source.source.stats().rejected;
    expect((rejected["too-many-pending-handshakes"] ?? 0) + (rejected["headers-timeout"] ?? 0)).toBe(20);
    // Logged once per reason and address, not once per socket.
    const logged = source.logs.filter((line) => line.message.startsWith("websocket handshake rejected"));
    expect(logged.map((line) => line.fields.reason).sort()).toEqual(["headers-timeout", "too-many-pending-handshakes"]);
  });

  it("aggregates open/close logging under churn: 500 cycles, every one accounted, few info lines", async () => {
    started = await startSource();
    const source = started;
    const url = `${source.url}?token=${token}`;
    for (let cycle = 0; cycle < 500; cycle += 1) {
      const client = await connectClient(url);
      const closed = closeOf(client);
      client.close();
      await closed;
    }
    await source.source.stop();
    const perConnection = source.logs.filter((line) => /^websocket connection (opened|closed)$/.test(line.message));
    expect(perConnection).toHaveLength(1000);
    const summaries = source.logs.filter((line) => line.message.startsWith("websocket connections:"));
    const info = perConnection.filter((line) => line.level === "info");
    expect(info.length + summaries.length).toBeLessThan(50);
    const summed = (field: string) => summaries.reduce((total, line) => total + Number(line.fields[field]), 0);
    const individually = (message: string) => info.filter((line) => line.message === message).length;
    expect(summed("opened") + individually("websocket connection opened")).toBe(500);
    expect(summed("closed") + individually("websocket connection closed")).toBe(500);
    expect(summaries.every((line) => line.level === "info")).toBe(true);
  });
});
