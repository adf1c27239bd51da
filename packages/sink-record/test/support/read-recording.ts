import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { parseRecallMessage, type VideoFrame } from "@framepipe/core";

/** The lines of a recording file (gunzipped when it ends in `.gz`), without the empty last one. */
export async function readLines(path: string): Promise<string[]> {
  const bytes = await readFile(path);
  const text = (path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
  return text.split("\n").filter((line) => line !== "");
}

/** The frames of a recording file, parsed back with core's parser (a line that does not parse throws). */
export async function readFrames(path: string): Promise<Omit<VideoFrame, "seq">[]> {
  return (await readLines(path)).map((line, index) => {
    const result = parseRecallMessage(line);
    if (!result.ok) throw new Error(`line ${index + 1} of ${path}: ${result.problem.message}`);
    if (result.event.kind !== "video-frame") throw new Error(`line ${index + 1} of ${path}: ${result.event.kind}`);
    return result.event.frame;
  });
}
