import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { checkFfmpeg, FFMPEG_INSTALL_HINT } from "@framepipe/sink-video";

const run = promisify(execFile);

/** One finished video file, from the video sink's manifest and ffprobe. */
export interface VideoOutput {
  /** Path under the videos folder. */
  readonly file: string;
  readonly participantId: number;
  readonly type: string;
  readonly width: number;
  readonly height: number;
  /** Frames of the stream in the file, and gap images added to keep 2 fps. */
  readonly framesIn: number;
  readonly framesFilled: number;
  readonly complete: boolean;
  readonly bytes: number;
  /** Seconds, as ffprobe reads the file (the manifest's figure when ffprobe is missing). */
  readonly duration: number;
}

/** Whether the demo can encode videos here: null when it can, else what to do about it. */
export async function videoUnavailable(): Promise<string | null> {
  const check = await checkFfmpeg(process.env.FFMPEG_PATH || "ffmpeg", "libx264");
  return check.ok ? null : `${check.problem}. The demo runs without videos.`;
}

export { FFMPEG_INSTALL_HINT };

async function probeDuration(path: string): Promise<number | null> {
  try {
    const { stdout } = await run("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "format=duration",
      "-of",
      "csv=p=0",
      path,
    ]);
    const seconds = Number(stdout.trim());
    return Number.isFinite(seconds) ? seconds : null;
  } catch {
    return null;
  }
}

/** Reads every `videos.ndjson` under `dir` (one line per finished file) and probes each file. */
export async function readVideoOutputs(dir: string): Promise<VideoOutput[]> {
  if (!existsSync(dir)) return [];
  const manifests = (await readdir(dir, { recursive: true })).filter((entry) => entry.endsWith("videos.ndjson"));
  const videos: VideoOutput[] = [];
  for (const manifest of manifests.sort()) {
    const lines = (await readFile(join(dir, manifest), "utf8")).split("\n").filter((line) => line.trim() !== "");
    for (const text of lines) {
      const line = JSON.parse(text) as Omit<VideoOutput, "duration"> & { event: string; duration: number };
      if (line.event !== "finished") continue;
      const duration = (await probeDuration(join(dir, line.file))) ?? line.duration;
      videos.push({
        file: line.file,
        participantId: line.participantId,
        type: line.type,
        width: line.width,
        height: line.height,
        framesIn: line.framesIn,
        framesFilled: line.framesFilled,
        complete: line.complete,
        bytes: line.bytes,
        duration,
      });
    }
  }
  return videos.sort((a, b) => a.file.localeCompare(b.file));
}

/** One line per video: path, duration, size, frames. */
export function formatVideos(dir: string, base: string, videos: readonly VideoOutput[]): string {
  const lines = [`${relative(base, dir) || "."}/  (${videos.length} videos, ffmpeg libx264, 2 fps)`];
  const width = Math.max(0, ...videos.map((video) => video.file.length));
  for (const video of videos) {
    const filled = video.framesFilled > 0 ? ` + ${video.framesFilled} filled` : "";
    lines.push(
      `  ${video.file.padEnd(width)} ${video.duration.toFixed(1).padStart(6)} s  ${`${video.width}×${video.height}`.padEnd(9)} ` +
        `${(video.bytes / 1024).toFixed(1).padStart(7)} KB  ${video.framesIn} frames${filled}${video.complete ? "" : "  INCOMPLETE"}`,
    );
  }
  return lines.join("\n");
}
