import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";

/** What the fs sink wrote for one stream (recording, participant, type). */
export interface StreamOutput {
  readonly recording: string;
  readonly participant: string;
  readonly type: string;
  /** The participant's last known name, from the stream's manifest. */
  readonly name: string | null;
  /** Frames captured before the name was known (Recall sends some names late). */
  readonly unnamedFrames: number;
  readonly frames: number;
  readonly bytes: number;
  /** Size and format of the first frame, e.g. `320×240 jpeg`. */
  readonly image: string;
  readonly firstFile: string;
  readonly lastFile: string;
  /** Lines in the stream's `manifest.ndjson`. */
  readonly manifestLines: number;
}

interface ManifestLine {
  readonly width?: number;
  readonly height?: number;
  readonly format?: string;
  readonly participantName?: string | null;
}

async function folders(path: string): Promise<string[]> {
  return (await readdir(path, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Reads `<dir>/<recording>/<participant>/<type>/<seq>.<ext>` plus each stream's manifest. */
export async function readStreamOutputs(dir: string): Promise<StreamOutput[]> {
  if (!existsSync(dir)) return [];
  const streams: StreamOutput[] = [];
  for (const recording of await folders(dir)) {
    for (const participant of await folders(join(dir, recording))) {
      for (const type of await folders(join(dir, recording, participant))) {
        const folder = join(dir, recording, participant, type);
        const files = (await readdir(folder)).filter((name) => /^\d{6}\.\w+$/.test(name)).sort();
        let bytes = 0;
        for (const file of files) bytes += (await stat(join(folder, file))).size;
        const manifestFile = join(folder, "manifest.ndjson");
        const manifest: ManifestLine[] = existsSync(manifestFile)
          ? (await readFile(manifestFile, "utf8"))
              .split("\n")
              .filter((line) => line.trim() !== "")
              .map((line) => JSON.parse(line) as ManifestLine)
          : [];
        const first = manifest[0];
        const named = manifest.findLast((line) => typeof line.participantName === "string" && line.participantName);
        streams.push({
          recording,
          participant,
          type,
          name: named?.participantName ?? null,
          unnamedFrames: manifest.filter((line) => !line.participantName).length,
          frames: files.length,
          bytes,
          image: first ? `${first.width}×${first.height} ${first.format}` : "",
          firstFile: files[0] ?? "",
          lastFile: files.at(-1) ?? "",
          manifestLines: manifest.length,
        });
      }
    }
  }
  return streams;
}

/** `12.3 KB`, `4.5 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A tree of the output, recording → participant → stream type, with frame counts, sizes and
 * the first and last file of each stream. `root` is shown relative to `base`.
 */
export function formatFramesTree(root: string, base: string, streams: readonly StreamOutput[]): string {
  const total = streams.reduce((sum, stream) => sum + stream.bytes, 0);
  const frames = streams.reduce((sum, stream) => sum + stream.frames, 0);
  const lines = [`${relative(base, root) || "."}/  (${frames} frames, ${formatBytes(total)})`];
  const recordings = [...new Set(streams.map((stream) => stream.recording))];
  recordings.forEach((recording, recordingIndex) => {
    const lastRecording = recordingIndex === recordings.length - 1;
    lines.push(`${lastRecording ? "└──" : "├──"} ${recording}/  recording`);
    const indent = lastRecording ? "    " : "│   ";
    const ofRecording = streams.filter((stream) => stream.recording === recording);
    const participants = [...new Set(ofRecording.map((stream) => stream.participant))];
    participants.forEach((participant, participantIndex) => {
      const lastParticipant = participantIndex === participants.length - 1;
      const ofParticipant = ofRecording.filter((stream) => stream.participant === participant);
      const name = ofParticipant.find((stream) => stream.name !== null)?.name;
      const unnamed = Math.max(...ofParticipant.map((stream) => stream.unnamedFrames));
      const late = name && unnamed > 0 ? `  (name arrived late: ${unnamed} frames before it)` : "";
      lines.push(
        `${indent}${lastParticipant ? "└──" : "├──"} ${participant}/  ${name ? `"${name}"` : "(no name)"}${late}`,
      );
      const inner = `${indent}${lastParticipant ? "    " : "│   "}`;
      ofParticipant.forEach((stream, streamIndex) => {
        const branch = streamIndex === ofParticipant.length - 1 ? "└──" : "├──";
        lines.push(
          `${inner}${branch} ${`${stream.type}/`.padEnd(13)} ${String(stream.frames).padStart(4)} frames ` +
            `${formatBytes(stream.bytes).padStart(9)}  ${stream.image.padEnd(13)} ` +
            `${stream.firstFile} … ${stream.lastFile} + manifest.ndjson (${stream.manifestLines} lines)`,
        );
      });
    });
  });
  return lines.join("\n");
}
