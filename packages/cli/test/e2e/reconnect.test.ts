import { join } from "node:path";
import { createFakeRecallBot } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fsSink, randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";
import { readWrittenStreams, seqsUpTo } from "./support/written-streams.js";

const token = randomToken();
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let run: FramepipeRun;
let proxy: TcpProxy;

beforeAll(async () => {
  directory = await temporaryDirectory();
  run = await startFramepipeRun(
    {
      ...runDefaults,
      sources: { recall: websocketSource({ token }) },
      sinks: { disk: fsSink(["recall"], join(directory.path, "frames")) },
    },
    { directory: directory.path },
  );
  proxy = await startTcpProxy(Number(new URL(run.addresses.websocket.recall as string).port));
}, 30_000);

afterAll(async () => {
  await proxy?.close();
  await killRun(run);
  await directory?.remove();
});

describe("framepipe run: a dropped connection that reconnects", () => {
  it("continues the same groups: same folders, seq continuing where it stopped", async () => {
    const fps = 20;
    const dropAfterTick = 10;
    // A network cut between the bot and framepipe (through a TCP relay) after tick 10 of 40.
    const bot = createFakeRecallBot({
      url: `ws://127.0.0.1:${proxy.port}/recall/`,
      token,
      participants: 2,
      fps,
      duration: 2,
      images: "tiny",
      reconnectInterval: 50,
      onEvent: (event) => {
        if (event.type === "tick" && event.tick === dropAfterTick) proxy.dropConnections();
      },
    });
    const report = await bot.run();
    expect(report.outcome).toBe("completed");
    expect(report.totals.reconnects).toBe(1);
    expect(proxy.connections).toBe(2);
    expect((await run.metrics()).value("framepipe_websocket_connections_accepted_total")).toBe(2);

    run.kill("SIGTERM");
    const exit = await run.exited;
    expect(exit.code).toBe(0);
    const received = Number(/received\s+(\d+) frames/.exec(exit.stderr)?.[1]);
    expect(exit.stderr).toMatch(new RegExp(`written\\s+${received} to disk`));

    const streams = await readWrittenStreams(join(directory.path, "frames"));
    expect(streams.map((stream) => stream.recording)).toEqual([
      bot.identities[0]?.recordingId,
      bot.identities[0]?.recordingId,
    ]);
    expect(streams.map((stream) => stream.type)).toEqual(["webcam", "webcam"]);
    expect(streams.reduce((total, stream) => total + stream.files.length, 0)).toBe(received);
    for (const stream of streams) {
      // One stream across both connections: seq has no gap and no restart.
      expect(stream.seqs).toEqual(seqsUpTo(stream.seqs.length));
      const relatives = (stream.manifest ?? []).map((line) => line.relative);
      expect(relatives).toEqual([...relatives].sort((a, b) => a - b));
      expect(new Set(relatives).size).toBe(relatives.length);
      // Frames from before the cut and from after the reconnection, up to the last tick.
      expect(relatives[0]).toBe(0);
      expect(relatives.some((relative) => relative < dropAfterTick / fps)).toBe(true);
      expect(relatives.at(-1)).toBe(39 / fps);
    }
  });
});
