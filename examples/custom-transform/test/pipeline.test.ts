import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PrometheusPipelineMetrics } from "@framepipe/core";
import { createFakeRecallBot, FrameLibrary } from "@framepipe/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LogRecord } from "../src/log-tap.js";
import { meetingImages } from "../src/meeting-images.js";
import { startMotionPipeline } from "../src/start-motion-pipeline.js";
import { runFramepipe } from "./support/run-framepipe.js";

const exampleDirectory = fileURLToPath(new URL("..", import.meta.url));
const token = randomBytes(16).toString("hex");
let scratch: string;

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), "framepipe-custom-transform-"));
});

afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("examples/custom-transform: pipeline.yaml with the local motion-score plugin", () => {
  it("is valid: framepipe validate loads ./plugins/motion-score.ts and checks its options", async () => {
    const result = await runFramepipe(["validate", "pipeline.yaml"], {
      cwd: exampleDirectory,
      env: { FRAMEPIPE_TOKEN: token },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /moving\s+motion-score\s+<- recall\s+threshold=1 thumbnailWidth=64 thumbnailHeight=48/,
    );
    expect(result.stdout).toMatch(/disk\s+fs\s+<- moving/);
    expect(result.stdout).not.toContain(token);
  });

  it("reports a bad plugin option with its position, as for any built-in plugin", async () => {
    const result = await runFramepipe(["validate", "pipeline.yaml"], {
      cwd: exampleDirectory,
      env: { FRAMEPIPE_TOKEN: token, MOTION_THRESHOLD: "300" },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/pipeline\.yaml:\d+:\d+ transforms\.moving\.threshold: /);
  });

  it("receives a simulated meeting and writes only the frames that move", async () => {
    const frames = join(scratch, "frames");
    const metrics = new PrometheusPipelineMetrics();
    const logs: LogRecord[] = [];
    const { pipeline, url } = await startMotionPipeline({
      env: { FRAMEPIPE_TOKEN: token, FRAMEPIPE_PORT: "0", FRAMES_DIR: frames },
      metrics,
      onLog: (record) => logs.push(record),
    });
    // Participant 100 moves (realistic frames, a new one each time); 101's camera is frozen.
    const library = new FrameLibrary({ framesPerStream: 4, sizes: { webcam: { width: 160, height: 120 } } });
    const images = meetingImages(library, new Set([101]));
    const sent = new Map<string, Buffer>();
    const bot = createFakeRecallBot({
      url,
      token,
      participants: 2,
      fps: 2,
      duration: 2,
      rate: "max",
      images: async (request) => {
        const png = await images(request);
        sent.set(`${request.participantId}/${request.counter}`, png);
        return png;
      },
    });
    const report = await bot.run();
    expect(report.outcome).toBe("completed");
    const summary = await pipeline.stop({ reason: "test finished" });
    expect(summary.received).toBe(8);
    expect(summary.written).toEqual({ disk: 5 });

    const recording = bot.identities[0]?.recordingId as string;
    const files = async (participant: number) =>
      (await readdir(join(frames, recording, String(participant), "webcam"))).sort();
    expect(await files(100)).toEqual(["000000.png", "000001.png", "000002.png", "000003.png", "manifest.ndjson"]);
    expect(await files(101)).toEqual(["000000.png", "manifest.ndjson"]);
    // The kept frames are the bytes the bot sent: the plugin decodes a thumbnail, never re-encodes.
    for (const counter of [0, 1, 2, 3]) {
      const written = await readFile(join(frames, recording, "100", "webcam", `00000${counter}.png`));
      expect(written.equals(sent.get(`100/${counter}`) as Buffer)).toBe(true);
    }

    const scores = logs.filter((record) => record.message === "motion score");
    expect(scores).toHaveLength(8);
    expect(scores.every((record) => record.fields.component === "transform:motion-score#moving")).toBe(true);
    const still = scores.filter((record) => record.fields.participantId === 101).map((record) => record.fields.score);
    expect(still).toEqual([null, 0, 0, 0]);

    const text = await metrics.registry.metrics();
    expect(text).toMatch(/framepipe_motion_still_frames_total\{[^}]*type="webcam"[^}]*\} 3/);
    expect(text).toMatch(/framepipe_motion_score_count\{[^}]*type="webcam"[^}]*\} 6/);
  });
});
