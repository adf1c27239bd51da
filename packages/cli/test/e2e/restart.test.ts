import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createFakeRecallBot, type FakeRecallBotOptions } from "@framepipe/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fsSink, randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { connectionClosed, type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";
import { readWrittenStreams, seqsUpTo } from "./support/written-streams.js";

const token = randomToken();
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let run: FramepipeRun | undefined;

beforeEach(async () => {
  directory = await temporaryDirectory();
});

afterEach(async () => {
  await killRun(run);
  run = undefined;
  await directory.remove();
});

/** Stops a run with SIGTERM (a drain) and returns its exit code and the counts of its summary. */
async function stopRun(started: FramepipeRun): Promise<{ code: number | null; received: number; stderr: string }> {
  started.kill("SIGTERM");
  const exit = await started.exited;
  const received = Number(/received\s+(\d+) frames/.exec(exit.stderr)?.[1]);
  return { code: exit.code, received, stderr: exit.stderr };
}

describe("framepipe run: a restart in the middle of a recording", () => {
  it("loses nothing: the restarted run writes the rest of the recording after the first run's files", async () => {
    const frames = join(directory.path, "frames");
    // The documented defaults: {seq} in the path, overwrite false.
    const config = {
      ...runDefaults,
      sources: { recall: websocketSource({ token }) },
      sinks: { disk: fsSink(["recall"], frames) },
    };
    const fps = 10;
    const meeting = {
      token,
      participants: 2,
      screenshare: 1,
      fps,
      duration: 2,
      rate: "max",
      images: "tiny",
    } satisfies Partial<FakeRecallBotOptions>;
    const streams = 3;
    const ticksPerHalf = 10;

    // First half: ticks 0..9 of every stream, then framepipe is stopped (SIGTERM: a drain).
    const first = await startFramepipeRun(config, { directory: directory.path });
    run = first;
    const firstHalf = createFakeRecallBot({
      ...meeting,
      url: first.addresses.websocket.recall as string,
      duration: ticksPerHalf / fps,
    });
    expect((await firstHalf.run()).totals.framesSent).toBe(ticksPerHalf * streams);
    await first.waitForLog(connectionClosed(1000), "the bot closed its connection");
    const firstExit = await stopRun(first);
    expect(firstExit.code).toBe(0);
    expect(firstExit.received).toBe(ticksPerHalf * streams);
    expect(firstExit.stderr).toMatch(new RegExp(`written\\s+${ticksPerHalf * streams} to disk`));

    // A new framepipe; the bot continues the same recording, whose streams ingest numbers from 0 again.
    const second = await startFramepipeRun(config, { directory: directory.path });
    run = second;
    const secondHalf = createFakeRecallBot({
      ...meeting,
      url: second.addresses.websocket.recall as string,
      startAt: ticksPerHalf / fps,
      identities: firstHalf.identities,
    });
    const report = await secondHalf.run();
    expect(report.outcome).toBe("completed");
    expect(report.totals.framesSent).toBe(ticksPerHalf * streams);
    await second.waitForLog(connectionClosed(1000), "the bot closed its connection");
    const secondExit = await stopRun(second);
    expect(secondExit.code).toBe(0);
    // Every frame of the second half written: none refused as "already exists".
    expect(secondExit.received).toBe(ticksPerHalf * streams);
    expect(secondExit.stderr).toMatch(new RegExp(`written\\s+${ticksPerHalf * streams} to disk`));
    expect(secondExit.stderr).toMatch(/errors\s+0/);
    const continued = second.logs.filter((line) => line.msg.startsWith("stream continues at seq"));
    expect(continued.map((line) => line.msg)).toEqual(
      Array(streams).fill("stream continues at seq 10 after a restart: earlier files exist"),
    );

    // On disk: both halves of every stream, under distinct names, in recording order.
    const written = await readWrittenStreams(frames);
    expect(written.map((stream) => `${stream.participant}/${stream.type}`)).toEqual([
      "100/screenshare",
      "100/webcam",
      "101/webcam",
    ]);
    expect(new Set(written.map((stream) => stream.recording))).toEqual(new Set([firstHalf.identities[0]?.recordingId]));
    for (const stream of written) {
      expect(stream.seqs).toEqual(seqsUpTo(2 * ticksPerHalf));
      const manifest = stream.manifest ?? [];
      expect(manifest.map((line) => line.seq)).toEqual(seqsUpTo(2 * ticksPerHalf));
      expect(manifest.map((line) => line.file.split("/").at(-1))).toEqual(stream.files);
      expect(manifest.map((line) => line.relative)).toEqual(seqsUpTo(2 * ticksPerHalf).map((tick) => tick / fps));
      const folder = join(frames, stream.recording, stream.participant, stream.type);
      const images = await Promise.all(stream.files.map((file) => readFile(join(folder, file), "base64")));
      expect(new Set(images).size).toBe(2 * ticksPerHalf);
    }
  }, 60_000);
});
