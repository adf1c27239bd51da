import { connect } from "node:net";
import { join } from "node:path";
import { createFakeRecallBot } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fsSink, randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";
import { readWrittenStreams } from "./support/written-streams.js";

const token = randomToken();
const idleConnections = 200;
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let run: FramepipeRun;

/** An authenticated websocket that never sends a message; `closed` resolves with the server's close frame. */
interface IdleConnection {
  readonly closed: Promise<{ code: number; reason: string }>;
}

/**
 * Opens a websocket over a raw TCP socket (the CLI package has no websocket client) and sends
 * nothing after the upgrade. Resolves once the server answered 101; rejects with its status line
 * otherwise. Server frames are unmasked, and its control frames are under 126 bytes.
 */
function openIdleConnection(url: string): Promise<IdleConnection> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let buffered = Buffer.alloc(0);
    let upgraded = false;
    let settleClose: (close: { code: number; reason: string }) => void = () => {};
    const closed = new Promise<{ code: number; reason: string }>((settle) => {
      settleClose = settle;
    });
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!upgraded) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end === -1) return;
        const status = buffered.subarray(0, buffered.indexOf("\r\n")).toString("latin1");
        if (!status.startsWith("HTTP/1.1 101")) {
          reject(new Error(status));
          socket.destroy();
          return;
        }
        upgraded = true;
        buffered = buffered.subarray(end + 4);
        resolve({ closed });
      }
      while (buffered.length >= 2 && buffered.length >= 2 + ((buffered[1] as number) & 0x7f)) {
        const opcode = (buffered[0] as number) & 0x0f;
        const length = (buffered[1] as number) & 0x7f;
        const payload = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        if (opcode !== 0x8) continue;
        settleClose({ code: payload.readUInt16BE(0), reason: payload.subarray(2).toString("utf8") });
        socket.destroy();
      }
    });
    socket.write(
      `GET ${pathname}?token=${token} HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
  });
}

beforeAll(async () => {
  directory = await temporaryDirectory();
  run = await startFramepipeRun(
    {
      ...runDefaults,
      sources: { recall: websocketSource({ token, idleTimeout: "3s" }) },
      sinks: { disk: fsSink(["recall"], join(directory.path, "frames")) },
    },
    { directory: directory.path },
  );
}, 30_000);

afterAll(async () => {
  await killRun(run);
  await directory?.remove();
});

describe("framepipe run: idle connections", () => {
  it(`${idleConnections} authenticated connections that never send neither lock out a bot nor stay open`, async () => {
    const url = run.addresses.websocket.recall as string;
    const idle = await Promise.all(Array.from({ length: idleConnections }, () => openIdleConnection(url)));
    const bot = createFakeRecallBot({
      url,
      token,
      participants: 2,
      fps: 10,
      duration: 0.5,
      rate: "max",
      images: "tiny",
    });
    const report = await bot.run();
    expect(report.outcome).toBe("completed");
    expect(report.bots[0]?.rejectedHandshakes).toEqual([]);

    const closes = await Promise.all(idle.map((connection) => connection.closed));
    expect(closes).toEqual(Array(idleConnections).fill({ code: 1001, reason: "idle timeout" }));
    const metrics = await run.metrics();
    const labels = { component: "recall" };
    expect(metrics.value("framepipe_websocket_connections_accepted_total", labels)).toBe(idleConnections + 1);
    expect(metrics.value("framepipe_websocket_connections_evicted_total", { ...labels, reason: "idle-timeout" })).toBe(
      idleConnections,
    );

    run.kill("SIGTERM");
    const exit = await run.exited;
    expect(exit.code).toBe(0);
    // 2 participants × 5 frames.
    expect(exit.stderr).toMatch(/written\s+10 to disk/);
    const streams = await readWrittenStreams(join(directory.path, "frames"));
    expect(streams.map((stream) => [stream.recording, stream.files.length])).toEqual([
      [bot.identities[0]?.recordingId, 5],
      [bot.identities[0]?.recordingId, 5],
    ]);
    // 402 opens and closes, logged one by one only up to the per-minute budget, then summarised.
    const connectionLines = run.logs.filter((line) => line.msg.startsWith("websocket connection"));
    expect(connectionLines.length).toBeLessThan(40);
    const summaries = run.logs.filter((line) => line.msg.startsWith("websocket connections:"));
    expect(summaries.reduce((total, line) => total + Number(line.opened), 0)).toBeGreaterThan(0);
  });
});
