import { execFile } from "node:child_process";
import { watch } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { createFakeRecallBot } from "@framepipe/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";

const runFile = promisify(execFile);
const token = randomToken();
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let run: FramepipeRun | undefined;
let stopBot: AbortController | undefined;

/** Every mp4 under `dir`, relative paths. */
async function videosIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((entry) => entry.endsWith(".mp4")).sort();
}

/** Frames ffprobe decodes from a whole file (it rejects a file it cannot read). */
async function decodedFrames(path: string): Promise<number> {
  const { stdout } = await runFile("ffprobe", [
    "-v",
    "error",
    "-count_frames",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=nb_read_frames",
    "-of",
    "csv=p=0",
    path,
  ]);
  return Number(stdout.trim());
}

/** Resolves once the file contains `text`: checked on every change in its folder (inotify), no timer. */
async function untilFileContains(path: string, text: string): Promise<void> {
  const contains = async () => (await readFile(path).catch(() => Buffer.alloc(0))).includes(text);
  if (await contains()) return;
  await new Promise<void>((resolve, reject) => {
    const watcher = watch(dirname(path), () => {
      contains().then((found) => {
        if (!found) return;
        watcher.close();
        resolve();
      }, reject);
    });
  });
}

/** Process ids below `pid` (children, grandchildren, …) whose command is `name`, from /proc. */
async function descendantsNamed(pid: number, name: string): Promise<number[]> {
  const found: number[] = [];
  const visit = async (parent: number): Promise<void> => {
    const tasks = await readdir(`/proc/${parent}/task`).catch(() => [] as string[]);
    for (const task of tasks) {
      const children = await readFile(`/proc/${parent}/task/${task}/children`, "utf8").catch(() => "");
      for (const child of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        const command = await readFile(`/proc/${child}/comm`, "utf8").catch(() => "");
        if (command.trim() === name) found.push(child);
        await visit(child);
      }
    }
  };
  await visit(pid);
  return found;
}

/** `framepipe run`: websocket → video sink into `<directory>/videos`. */
function startWithVideoSink(): Promise<FramepipeRun> {
  return startFramepipeRun(
    {
      ...runDefaults,
      sources: { recall: websocketSource({ token }) },
      sinks: { videos: { type: "video", inputs: ["recall"], dir: "./videos" } },
      runtime: { shutdownTimeout: "60s" },
    },
    { directory: directory.path },
  );
}

/** A realtime meeting of 2 participants (one also sharing a screen) that lasts a minute unless stopped. */
function startMeeting(started: FramepipeRun): void {
  stopBot = new AbortController();
  createFakeRecallBot({
    url: started.addresses.websocket.recall as string,
    token,
    participants: 2,
    screenshare: 1,
    fps: 2,
    duration: 60,
    rate: "realtime",
    images: "realistic",
    signal: stopBot.signal,
  })
    .run()
    .catch(() => {});
}

beforeEach(async () => {
  directory = await temporaryDirectory();
});

afterEach(async () => {
  stopBot?.abort();
  await killRun(run);
  run = undefined;
  await directory.remove();
});

describe("framepipe run with the video sink", () => {
  it("SIGTERM finishes every encoder: each stream's mp4 is complete, webcam and screenshare apart", async () => {
    const started = await startWithVideoSink();
    run = started;
    startMeeting(started);
    // Three streams, a few frames each, then the signal in the middle of the meeting.
    await started.waitForMetric("framepipe_video_sink_frames_encoded_total", {}, 12, 30_000);
    started.kill("SIGTERM");
    const exit = await started.exited;
    expect(exit.code).toBe(0);

    const videos = join(directory.path, "videos");
    const files = await videosIn(videos);
    expect(files).toHaveLength(3);
    expect(files.filter((file) => file.endsWith("-screenshare.mp4"))).toHaveLength(1);
    const manifestFile = (await readdir(videos, { recursive: true })).find((entry) => entry.endsWith("videos.ndjson"));
    const lines = (await readFile(join(videos, manifestFile ?? "missing"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { file: string; complete: boolean; framesIn: number; framesFilled: number });
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line.complete, line.file).toBe(true);
      expect(await decodedFrames(join(videos, line.file))).toBe(line.framesIn + line.framesFilled);
    }
    expect(started.logs.filter((line) => line.msg === "video file finished")).toHaveLength(3);
  }, 60_000);

  it("SIGKILL of framepipe and its encoders: the fragmented mp4s still play up to their last fragment", async () => {
    const started = await startWithVideoSink();
    run = started;
    startMeeting(started);
    await started.waitForMetric("framepipe_video_sink_frames_encoded_total", {}, 24, 30_000);
    const videos = join(directory.path, "videos");
    const files = await videosIn(videos);
    expect(files).toHaveLength(3);
    for (const file of files) await untilFileContains(join(videos, file), "moof");
    const pid = started.child.pid ?? 0;
    const encoders = await descendantsNamed(pid, "ffmpeg");
    expect(encoders).toHaveLength(3);
    // A crash of the whole machine: framepipe and every encoder at once, nothing finalised.
    started.kill("SIGKILL");
    for (const encoder of encoders) process.kill(encoder, "SIGKILL");
    const exit = await started.exited;
    expect(exit.signal).toBe("SIGKILL");
    for (const file of files) {
      expect(await decodedFrames(join(videos, file)), file).toBeGreaterThan(0);
    }
  }, 60_000);
});
