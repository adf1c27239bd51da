import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createFakeRecallBot,
  createTestPng,
  type FrameImageRequest,
  pngClaimingSize,
  pngWithCorruptCrc,
} from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fsSink, randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";
import { readWrittenStreams, seqsUpTo } from "./support/written-streams.js";

const token = randomToken();
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let out: string;
let run: FramepipeRun;

beforeAll(async () => {
  directory = await temporaryDirectory();
  out = join(directory.path, "frames");
  run = await startFramepipeRun(
    { ...runDefaults, sources: { recall: websocketSource({ token }) }, sinks: { disk: fsSink(["recall"], out) } },
    { directory: directory.path },
  );
}, 30_000);

afterAll(async () => {
  await killRun(run);
  await directory?.remove();
});

/** Frame 2 of each stream has a flipped IDAT CRC and frame 4 claims 50000×50000 pixels. */
function images({ participantId, counter }: FrameImageRequest): Buffer {
  if (counter === 2) return pngWithCorruptCrc(createTestPng({ participantId, seq: counter }));
  if (counter === 4) return pngClaimingSize(50_000, 50_000);
  return createTestPng({ participantId, seq: counter });
}

describe("framepipe run: PNGs a decoder would choke on", () => {
  it("refuses a corrupt PNG and a decompression bomb, counts them, and writes only the good frames", async () => {
    const bot = createFakeRecallBot({
      url: run.addresses.websocket.recall as string,
      token,
      participants: 2,
      fps: 2,
      duration: 3,
      rate: "max",
      images,
    });
    const report = await bot.run();
    expect(report.outcome).toBe("completed");
    expect(report.totals.framesSent).toBe(12);

    // 2 streams × frames 0, 1, 3 and 5.
    const metrics = await run.waitForMetric("framepipe_frames_sent_total", { component: "disk" }, 8);
    const outcome = (kind: string) =>
      metrics.value("framepipe_websocket_messages_total", { component: "recall", outcome: kind });
    expect(outcome("corrupt-png")).toBe(2);
    expect(outcome("too-many-pixels")).toBe(2);
    expect(outcome("truncated-png") ?? 0).toBe(0);
    const warnings = run.logs.filter((line) => line.msg.startsWith("bad message dropped"));
    expect(warnings.map((line) => line.kind).sort()).toEqual(["corrupt-png", "too-many-pixels"]);
    expect(warnings.find((line) => line.kind === "too-many-pixels")?.problem).toBe(
      "PNG of 50000x50000 (2500000000 pixels) exceeds the maximum of 9437184 pixels",
    );

    const streams = await readWrittenStreams(out);
    expect(streams.map((stream) => stream.participant)).toEqual(["100", "101"]);
    for (const stream of streams) {
      expect(stream.seqs).toEqual(seqsUpTo(4));
      expect(stream.manifest?.map((line) => line.relative)).toEqual([0, 0.5, 1.5, 2.5]);
      const participantId = Number(stream.participant);
      for (const [index, counter] of [0, 1, 3, 5].entries()) {
        const written = await readFile(
          join(out, stream.recording, stream.participant, stream.type, stream.files[index] ?? ""),
        );
        expect(written.equals(createTestPng({ participantId, seq: counter })), `${participantId}@${counter}`).toBe(
          true,
        );
      }
    }
  });
});
