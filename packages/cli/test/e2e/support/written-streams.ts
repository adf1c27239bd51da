import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** The fs sink path template the e2e configs use, so {@link readWrittenStreams} can read the tree back. */
export const streamPathTemplate = "{recording.id}/{participant.id}/{type}/{seq}.{ext}";

/**
 * The same tree with each frame's capture time in its file name: a path that names each frame, so
 * the fs sink keeps a frame delivered twice (a NATS worker's takeover) once.
 */
export const framePathTemplate = "{recording.id}/{participant.id}/{type}/{seq}-{timestamp.relative}.{ext}";

/** One line of the fs sink's `manifest.ndjson`. */
export interface ManifestLine {
  readonly file: string;
  readonly seq: number;
  readonly relative: number;
  readonly width: number;
  readonly height: number;
  readonly format: string;
  readonly bytes: number;
  readonly participantName?: string | null;
}

/** The files of one stream (recording, participant, type) as the fs sink wrote them. */
export interface WrittenStream {
  readonly recording: string;
  readonly participant: string;
  readonly type: string;
  /** Frame files, sorted by name. */
  readonly files: readonly string[];
  /** `seq` of each frame file, from its name. */
  readonly seqs: readonly number[];
  /** The stream's manifest lines, or null when it has no manifest. */
  readonly manifest: readonly ManifestLine[] | null;
}

async function folders(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * Reads the tree `<dir>/<recording>/<participant>/<type>/<seq>.<ext>` written with
 * {@link streamPathTemplate}, or {@link framePathTemplate}.
 */
export async function readWrittenStreams(dir: string): Promise<WrittenStream[]> {
  if (!existsSync(dir)) return [];
  const streams: WrittenStream[] = [];
  for (const recording of await folders(dir)) {
    for (const participant of await folders(join(dir, recording))) {
      for (const type of await folders(join(dir, recording, participant))) {
        const folder = join(dir, recording, participant, type);
        const names = (await readdir(folder)).sort();
        // `<seq>.<ext>`, or `<seq>-<capture ms>.<ext>` (a path that names each frame).
        const files = names.filter((name) => /^\d{6}(-\d+)?\.\w+$/.test(name));
        const manifestFile = join(folder, "manifest.ndjson");
        const manifest = existsSync(manifestFile)
          ? (await readFile(manifestFile, "utf8"))
              .split("\n")
              .filter((line) => line.trim() !== "")
              .map((line) => JSON.parse(line) as ManifestLine)
          : null;
        streams.push({
          recording,
          participant,
          type,
          files,
          seqs: files.map((name) => Number.parseInt(name, 10)),
          manifest,
        });
      }
    }
  }
  return streams;
}

/** `[0, 1, …, count - 1]`: the seqs of a complete stream. */
export function seqsUpTo(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}
