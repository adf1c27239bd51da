import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { VideoManifestLine } from "../../src/index.js";

const run = promisify(execFile);

/** What ffprobe says of a video file, every frame decoded (`-count_frames`). */
export interface Probe {
  readonly codec: string;
  readonly width: number;
  readonly height: number;
  /** Frames decoded. */
  readonly frames: number;
  /** Seconds. */
  readonly duration: number;
}

/** Decodes the whole first video stream of `path` with ffprobe; rejects when ffprobe cannot. */
export async function probe(path: string): Promise<Probe> {
  const { stdout } = await run("ffprobe", [
    "-v",
    "error",
    "-count_frames",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=codec_name,width,height,nb_read_frames:format=duration",
    "-of",
    "json",
    path,
  ]);
  const parsed = JSON.parse(stdout) as {
    streams: Array<{ codec_name: string; width: number; height: number; nb_read_frames: string }>;
    format: { duration?: string };
  };
  const stream = parsed.streams[0];
  if (!stream) throw new Error(`${path}: no video stream`);
  return {
    codec: stream.codec_name,
    width: stream.width,
    height: stream.height,
    frames: Number(stream.nb_read_frames),
    duration: Number(parsed.format.duration ?? Number.NaN),
  };
}

/** The lines of a manifest (`videos.ndjson` by default). */
export async function readManifest(
  dir: string,
  recordingId: string,
  name = "videos.ndjson",
): Promise<VideoManifestLine[]> {
  const text = await readFile(join(dir, recordingId, name), "utf8");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as VideoManifestLine);
}
