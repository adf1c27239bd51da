import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createFakeRecallBot, type FakeRecallBotReport } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fsSink, randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { connectionClosed, type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";
import { readWrittenStreams, seqsUpTo, type WrittenStream } from "./support/written-streams.js";

// Two bots (two recordings) × three participants, one sharing a screen, ten frames per stream:
// websocket → resize (320×180 JPEG) → fs, the demo's pipeline, run by `framepipe run`.
const framesPerStream = 10;
const token = randomToken();
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let run: FramepipeRun;
let report: FakeRecallBotReport;
let recordingIds: string[];
let streams: WrittenStream[];
let exit: Awaited<FramepipeRun["exited"]>;

beforeAll(async () => {
  directory = await temporaryDirectory();
  const out = join(directory.path, "frames");
  run = await startFramepipeRun(
    {
      ...runDefaults,
      sources: { recall: websocketSource({ token }) },
      transforms: { thumbs: { type: "resize", inputs: ["recall"], width: 320, height: 180, format: "jpeg" } },
      sinks: { disk: fsSink(["thumbs"], out) },
    },
    { directory: directory.path },
  );
  const bot = createFakeRecallBot({
    url: run.addresses.websocket.recall as string,
    token,
    bots: 2,
    participants: 3,
    screenshare: 1,
    fps: 10,
    duration: framesPerStream / 10,
    rate: "max",
    images: "tiny",
  });
  recordingIds = bot.identities.map((identity) => identity.recordingId);
  report = await bot.run();
  // Both connections closed by the bots: every message they sent has been read by the source.
  await run.waitForLogs(connectionClosed(1000), 2, "both bots closed their connections");
  run.kill("SIGTERM");
  exit = await run.exited;
  streams = await readWrittenStreams(out);
}, 60_000);

afterAll(async () => {
  await killRun(run);
  await directory?.remove();
});

describe("framepipe run: several bots and participants", () => {
  it("the bots sent their whole meetings", () => {
    expect(report.outcome).toBe("completed");
    expect(report.totals.framesSent).toBe(2 * 4 * framesPerStream);
  });

  it("writes one folder per recording, participant and stream type", () => {
    expect([...new Set(streams.map((stream) => stream.recording))].sort()).toEqual([...recordingIds].sort());
    for (const recording of recordingIds) {
      const ofRecording = streams.filter((stream) => stream.recording === recording);
      expect(new Set(ofRecording.map((stream) => stream.participant)).size).toBe(3);
      expect(ofRecording.filter((stream) => stream.type === "webcam")).toHaveLength(3);
      expect(ofRecording.filter((stream) => stream.type === "screenshare")).toHaveLength(1);
    }
  });

  it("every stream is complete: seq continuous from 0, one JPEG per frame", async () => {
    expect(streams).toHaveLength(8);
    for (const stream of streams) {
      expect(stream.seqs).toEqual(seqsUpTo(framesPerStream));
      expect(stream.files.every((file) => file.endsWith(".jpg"))).toBe(true);
      const first = await readFile(
        join(directory.path, "frames", stream.recording, stream.participant, stream.type, stream.files[0] as string),
      );
      expect([...first.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    }
  });

  it("each stream's manifest lists its frames in order, with the participant's name once known", () => {
    for (const stream of streams) {
      const manifest = stream.manifest ?? [];
      expect(manifest.map((line) => line.seq)).toEqual(seqsUpTo(framesPerStream));
      expect(manifest.map((line) => line.format)).toEqual(Array(framesPerStream).fill("jpeg"));
      const relatives = manifest.map((line) => line.relative);
      expect(relatives).toEqual([...relatives].sort((a, b) => a - b));
      expect(manifest.at(-1)?.participantName).toMatch(/\S/);
    }
  });

  it("SIGTERM drains and exits 0 with the summary: everything received written", () => {
    expect(exit.code).toBe(0);
    expect(exit.stderr).toMatch(/stopped \(SIGTERM\)/);
    expect(exit.stderr).toMatch(/received\s+80 frames/);
    expect(exit.stderr).toMatch(/written\s+80 to disk/);
    expect(exit.stderr).toMatch(/unwritten\s+0\n?/);
  });
});
