import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createFakeRecallBot, createTestPng, type FakeRecallBotEvent } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fsSink, randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";
import { noisePng } from "./support/noise-png.js";
import { readWrittenStreams, seqsUpTo } from "./support/written-streams.js";

const mebibyte = 1024 * 1024;
const token = randomToken();
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let out: string;
let run: FramepipeRun;

beforeAll(async () => {
  directory = await temporaryDirectory();
  out = join(directory.path, "frames");
  run = await startFramepipeRun(
    {
      ...runDefaults,
      sources: {
        // The default maxPayload (16 MiB) must let Recall's largest screenshare frames through.
        large: websocketSource({ token }),
        small: websocketSource({ token, maxPayload: "256KiB" }),
      },
      sinks: { disk: fsSink(["large", "small"], out) },
    },
    { directory: directory.path },
  );
}, 30_000);

afterAll(async () => {
  await killRun(run);
  await directory?.remove();
});

describe("framepipe run: message size limits", () => {
  it("passes a 12 MiB message (a 9 MiB screenshare PNG) through byte for byte", async () => {
    const big = noisePng(1600, 1500);
    expect(big.length).toBeGreaterThan(9 * mebibyte);
    const bot = createFakeRecallBot({
      url: run.addresses.websocket.large as string,
      token,
      participants: 1,
      screenshare: 1,
      fps: 2,
      duration: 0.5,
      rate: "max",
      images: ({ type, counter }) => (type === "screenshare" ? big : createTestPng({ seq: counter })),
    });
    const report = await bot.run();
    expect(report.outcome).toBe("completed");
    expect(report.totals.bytesSent).toBeGreaterThan(12 * mebibyte);

    await run.waitForMetric("framepipe_frames_sent_total", { component: "disk" }, 2);
    const recording = bot.identities[0]?.recordingId as string;
    const screenshare = (await readWrittenStreams(out)).find(
      (stream) => stream.recording === recording && stream.type === "screenshare",
    );
    expect(screenshare?.seqs).toEqual([0]);
    const written = await readFile(join(out, recording, screenshare?.participant ?? "", "screenshare", "000000.png"));
    expect(written.equals(big)).toBe(true);
  });

  it("refuses an over-limit message with 1009 without harming another bot's connection", async () => {
    const events: string[] = [];
    let steadyIsSending: () => void = () => {};
    const sending = new Promise<void>((resolve) => {
      steadyIsSending = resolve;
    });
    let oversizedIsOut: () => void = () => {};
    const cutOff = new Promise<void>((resolve) => {
      oversizedIsOut = resolve;
    });
    const record = (name: string) => (event: FakeRecallBotEvent) => {
      if (event.type === "disconnected" || event.type === "sent") events.push(`${name}:${event.type}`);
      if (name === "steady" && event.type === "tick") steadyIsSending();
      if (name === "oversized" && event.type === "disconnected") oversizedIsOut();
    };
    const steady = createFakeRecallBot({
      url: run.addresses.websocket.small as string,
      token,
      participants: 2,
      fps: 10,
      duration: 2,
      // Halfway through its meeting the steady bot waits until the oversized bot has been cut off,
      // so both connections are certainly open together.
      images: async ({ participantId, counter }) => {
        if (counter === 10) await cutOff;
        return createTestPng({ participantId, seq: counter });
      },
      onEvent: record("steady"),
    });
    const oversizedPng = noisePng(400, 400, 7);
    const oversized = createFakeRecallBot({
      url: run.addresses.websocket.small as string,
      token,
      participants: 1,
      fps: 2,
      duration: 2,
      images: () => oversizedPng,
      reconnectAttempts: 0,
      onEvent: record("oversized"),
    });
    const steadyRun = steady.run();
    await sending;
    const oversizedReport = await oversized.run();
    const steadyReport = await steadyRun;

    expect(oversizedReport.outcome).toBe("failed");
    expect(oversizedReport.bots[0]?.lastClose?.code).toBe(1009);
    expect(steadyReport.outcome).toBe("completed");
    expect(steadyReport.totals.reconnects).toBe(0);
    expect(events).toEqual(["oversized:disconnected", "steady:sent", "steady:disconnected"]);

    const metrics = await run.waitForMetric("framepipe_frames_sent_total", { component: "disk" }, 2 + 40);
    expect(metrics.value("framepipe_websocket_messages_total", { component: "small", outcome: "too-large" })).toBe(1);
    const streams = await readWrittenStreams(out);
    expect(streams.filter((stream) => stream.recording === oversized.identities[0]?.recordingId)).toEqual([]);
    const steadyStreams = streams.filter((stream) => stream.recording === steady.identities[0]?.recordingId);
    expect(steadyStreams.map((stream) => stream.seqs)).toEqual([seqsUpTo(20), seqsUpTo(20)]);
  });
});
