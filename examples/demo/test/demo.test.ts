import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStreamOutputs, type StreamOutput } from "../src/frames-tree.js";
import { readVideoOutputs } from "../src/videos-report.js";

const exampleDirectory = fileURLToPath(new URL("..", import.meta.url));
let output: string;
let result: { code: number | null; stdout: string; stderr: string };
let streams: StreamOutput[];

/** Runs `tsx run-demo.ts` as the root script does, with a 3 s meeting and a temporary output. */
function runDemo(args: readonly string[], env: Record<string, string> = {}): Promise<typeof result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "run-demo.ts", ...args], {
      cwd: exampleDirectory,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  output = join(await mkdtemp(join(tmpdir(), "framepipe-demo-")), "demo-output");
  result = await runDemo(["--duration", "3", "--output", output]);
  streams = await readStreamOutputs(join(output, "frames"));
}, 90_000);

afterAll(async () => {
  if (output) await rm(join(output, ".."), { recursive: true, force: true });
});

describe("the demo (tsx examples/demo/run-demo.ts --duration 3)", () => {
  it("exits 0 and says every frame was written", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("demo OK");
  });

  it("writes 320×180-bounded JPEG thumbnails: 3 webcams and 1 screenshare, 6 frames each", () => {
    expect(streams.map((stream) => stream.type).sort()).toEqual(["screenshare", "webcam", "webcam", "webcam"]);
    for (const stream of streams) {
      expect(stream.frames).toBe(6);
      expect(stream.manifestLines).toBe(6);
      expect(stream.image).toBe(stream.type === "webcam" ? "240×180 jpeg" : "320×180 jpeg");
    }
    // One participant joined without a name; the simulator sent it later.
    expect(streams.some((stream) => stream.unnamedFrames > 0 && stream.name !== null)).toBe(true);
  });

  it("prints the tree, framepipe's summary and the simulator's report", () => {
    expect(result.stdout).toContain("where the frames went:");
    expect(result.stdout).toMatch(/live preview: open http:\/\/127\.0\.0\.1:\d+\/preview\/ while the demo runs/);
    expect(result.stdout).toMatch(/webcam\/\s+6 frames/);
    expect(result.stdout).toMatch(/written\s+24 to disk/);
    expect(result.stdout).toMatch(/unwritten\s+0/);
    expect(result.stdout).toMatch(/simulator: completed/);
  });

  it("writes only inside its output folder: frames, the pipeline's log and its marker", async () => {
    expect((await readdir(output)).sort()).toEqual([".framepipe-demo", "framepipe.log", "frames", "videos"]);
    const log = await readFile(join(output, "framepipe.log"), "utf8");
    expect(log).toContain('"msg":"pipeline stopped"');
    expect(existsSync(join(exampleDirectory, "demo-output"))).toBe(false);
  });

  it("writes one mp4 per participant stream (ffmpeg installed) and prints each file's duration", async () => {
    const videos = await readVideoOutputs(join(output, "videos"));
    expect(videos.map((video) => video.type).sort()).toEqual(["screenshare", "webcam", "webcam", "webcam"]);
    for (const video of videos) {
      expect(video).toMatchObject({ complete: true, framesIn: 6, duration: 3 });
      expect([video.width, video.height]).toEqual(video.type === "webcam" ? [480, 360] : [1280, 720]);
    }
    expect(result.stdout).toContain("the videos, one per participant stream:");
    expect(result.stdout).toMatch(/-screenshare\.mp4\s+3\.0 s\s+1280×720/);
    expect(result.stdout).toMatch(/written\s+24 to disk, 24 to videos/);
  });

  it("without ffmpeg, says how to install it and still writes every frame", async () => {
    const elsewhere = join(await mkdtemp(join(tmpdir(), "framepipe-demo-no-ffmpeg-")), "demo-output");
    try {
      const missing = await runDemo(["--duration", "1", "--output", elsewhere], { FFMPEG_PATH: "/nonexistent/ffmpeg" });
      expect(missing.code).toBe(0);
      expect(missing.stdout).toMatch(/ffmpeg was not found .*apt-get install ffmpeg.*The demo runs without videos/);
      expect(missing.stdout).toContain("demo OK");
      expect((await readStreamOutputs(join(elsewhere, "frames"))).map((stream) => stream.frames)).toEqual([2, 2, 2, 2]);
      expect(existsSync(join(elsewhere, "videos"))).toBe(false);
    } finally {
      await rm(join(elsewhere, ".."), { recursive: true, force: true });
    }
  }, 60_000);

  it("refuses to empty an --output folder it did not create", async () => {
    const foreign = await mkdtemp(join(tmpdir(), "framepipe-demo-foreign-"));
    await writeFile(join(foreign, "notes.txt"), "keep me");
    try {
      const refused = await runDemo(["--duration", "1", "--output", foreign]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("was not made by the demo");
      expect(await readFile(join(foreign, "notes.txt"), "utf8")).toBe("keep me");
    } finally {
      await rm(foreign, { recursive: true, force: true });
    }
  }, 30_000);
});
