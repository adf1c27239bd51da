import { join } from "node:path";
import { badMessageKinds, createFakeRecallBot } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fsSink, randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { connectionClosed, type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";
import { readWrittenStreams, seqsUpTo } from "./support/written-streams.js";

const token = randomToken();
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let run: FramepipeRun;

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
}, 30_000);

afterAll(async () => {
  await killRun(run);
  await directory?.remove();
});

describe("framepipe run: malformed messages mixed into a stream", () => {
  it("counts every bad message by kind, logs each kind once, and writes every good frame", async () => {
    // 10 bad messages: each of the 5 kinds twice, spread over the meeting.
    const bot = createFakeRecallBot({
      url: run.addresses.websocket.recall as string,
      token,
      participants: 2,
      fps: 10,
      duration: 2,
      rate: "max",
      bad: 2 * badMessageKinds.length,
      images: "tiny",
    });
    const report = await bot.run();
    expect(report.outcome).toBe("completed");
    expect(report.totals.badMessagesSent).toBe(10);
    expect(report.totals.reconnects).toBe(0);
    await run.waitForLog(connectionClosed(1000), "the bot closed its connection normally");

    const metrics = await run.metrics();
    for (const kind of badMessageKinds) {
      expect(metrics.value("framepipe_websocket_messages_total", { component: "recall", outcome: kind }), kind).toBe(2);
    }
    expect(metrics.value("framepipe_websocket_messages_total", { component: "recall", outcome: "event" })).toBe(
      report.totals.framesSent + report.totals.participantEventsSent,
    );
    const warnings = run.logs.filter((line) => line.msg.startsWith("bad message dropped"));
    expect(warnings.map((line) => line.kind).sort()).toEqual([...badMessageKinds].sort());

    run.kill("SIGTERM");
    const exit = await run.exited;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toMatch(/written\s+40 to disk/);
    const streams = await readWrittenStreams(join(directory.path, "frames"));
    expect(streams.map((stream) => stream.seqs)).toEqual([seqsUpTo(20), seqsUpTo(20)]);
  });
});
