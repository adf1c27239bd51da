import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFakeRecallBot } from "@framepipe/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { framepipe, type RunningPipeline, startRun } from "./support/framepipe-command.js";

const exampleDirectory = fileURLToPath(new URL("..", import.meta.url));
const pipelineFile = join(exampleDirectory, "pipeline.yaml");
const token = randomBytes(16).toString("hex");
let scratch: string;
let run: RunningPipeline | undefined;

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), "framepipe-yaml-pipeline-"));
});

afterEach(async () => {
  if (run && run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill("SIGKILL");
    await run.exited;
  }
  run = undefined;
  await rm(scratch, { recursive: true, force: true });
});

describe("examples/yaml-pipeline: pipeline.yaml", () => {
  it("is valid (framepipe validate exits 0 and describes the graph)", async () => {
    const result = await framepipe(["validate", "pipeline.yaml"], {
      cwd: exampleDirectory,
      env: { FRAMEPIPE_TOKEN: token },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/recall\s+websocket/);
    expect(result.stdout).toMatch(/thumbs\s+resize\s+<- recall/);
    expect(result.stdout).toMatch(/disk\s+fs\s+<- thumbs/);
    expect(result.stdout).not.toContain(token);
  });

  it("names the missing token variable when FRAMEPIPE_TOKEN is not set", async () => {
    const result = await framepipe(["validate", "pipeline.yaml"], {
      cwd: exampleDirectory,
      env: { FRAMEPIPE_TOKEN: undefined },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/pipeline\.yaml:\d+:\d+ sources\.recall\.token: .*FRAMEPIPE_TOKEN/);
  });

  it("stays valid with the commented S3 sink switched on", async () => {
    const text = await readFile(pipelineFile, "utf8");
    const uncommented = text.replace(/^ {2}# archive:\n((?: {2}# {3}.*\n)+)/m, (block) =>
      block.replace(/^ {2}# archive:/, "  archive:").replace(/^ {2}# {3}/gm, "    "),
    );
    expect(uncommented).toMatch(/^ {2}archive:\n {4}type: s3/m);
    await writeFile(join(scratch, "with-s3.yaml"), uncommented);
    const result = await framepipe(["validate", "with-s3.yaml"], {
      cwd: scratch,
      env: {
        FRAMEPIPE_TOKEN: token,
        S3_BUCKET: "meeting-frames",
        S3_ACCESS_KEY_ID: "example-key",
        S3_SECRET_ACCESS_KEY: "example-secret",
      },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/archive\s+s3\s+<- recall/);
  });

  it("points editors at a pipeline.schema.json that matches `framepipe schema`", async () => {
    const text = await readFile(pipelineFile, "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./pipeline.schema.json");
    const current = await framepipe(["schema"], { cwd: exampleDirectory });
    expect(current.code).toBe(0);
    const committed = JSON.parse(await readFile(join(exampleDirectory, "pipeline.schema.json"), "utf8"));
    // When this fails, regenerate it: pnpm --filter @framepipe/example-yaml-pipeline schema
    expect(committed).toEqual(JSON.parse(current.stdout));
  });

  it("receives a simulated meeting and writes 320×180-bounded JPEG thumbnails per participant", async () => {
    const frames = join(scratch, "frames");
    const started = startRun(pipelineFile, {
      cwd: scratch,
      env: { FRAMEPIPE_TOKEN: token, FRAMEPIPE_PORT: "0", FRAMEPIPE_API_PORT: "0", FRAMES_DIR: frames },
    });
    run = started;
    const listening = await started.waitForLog(
      (line) => line.msg === "websocket source listening",
      "the websocket source listened",
    );
    await started.waitForLog((line) => line.msg === "pipeline started", "the pipeline started");
    const bot = createFakeRecallBot({
      url: String(listening.url),
      token,
      participants: 2,
      screenshare: 1,
      fps: 2,
      duration: 2,
      rate: "max",
    });
    const report = await bot.run();
    expect(report.outcome).toBe("completed");
    await started.waitForLog(
      (line) => line.msg === "websocket connection closed" && line.code === 1000,
      "the bot closed its connection",
    );
    started.child.kill("SIGTERM");
    const exit = await started.exited;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toMatch(/written\s+12 to disk/);

    const recording = bot.identities[0]?.recordingId as string;
    expect(await readdir(frames)).toEqual([recording]);
    const participants = (await readdir(join(frames, recording))).sort();
    expect(participants).toHaveLength(2);
    const expected: Array<[string, string, string]> = [
      [participants[0] as string, "screenshare", "320×180"],
      [participants[0] as string, "webcam", "240×180"],
      [participants[1] as string, "webcam", "240×180"],
    ];
    for (const [participant, type, size] of expected) {
      const folder = join(frames, recording, participant, type);
      expect((await readdir(folder)).sort()).toEqual([
        "000000.jpg",
        "000001.jpg",
        "000002.jpg",
        "000003.jpg",
        "manifest.ndjson",
      ]);
      const manifest = (await readFile(join(folder, "manifest.ndjson"), "utf8"))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { seq: number; width: number; height: number; format: string });
      expect(manifest.map((line) => `${line.seq} ${line.width}×${line.height} ${line.format}`)).toEqual(
        [0, 1, 2, 3].map((seq) => `${seq} ${size} jpeg`),
      );
    }
  }, 60_000);
});
