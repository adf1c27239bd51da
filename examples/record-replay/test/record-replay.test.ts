import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { type FrameImageRequest, FrameLibrary } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordThenReplay } from "../src/record-replay.js";

/** One frame line of a recording, as far as this test reads it. */
interface RecordedFrame {
  readonly participantId: number;
  readonly type: string;
  readonly relative: number;
  readonly png: Buffer;
}

const exampleDirectory = fileURLToPath(new URL("..", import.meta.url));
/** Realistic frames at Recall's sizes (480×360 webcams, 1280×720 screenshare), 4 distinct per stream. */
const library = new FrameLibrary({ framesPerStream: 4 });
const sent = new Map<string, Buffer>();
let scratch: string;
let result: Awaited<ReturnType<typeof recordThenReplay>>;
let recorded: RecordedFrame[];

async function sendAndRemember(request: FrameImageRequest): Promise<Buffer> {
  const png = await library.png(request);
  sent.set(`${request.participantId}/${request.type}/${request.counter}`, png);
  return png;
}

function readRecording(file: Buffer): RecordedFrame[] {
  return gunzipSync(file)
    .toString("utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const message = JSON.parse(line) as {
        event: string;
        data: {
          data: { buffer: string; type: string; timestamp: { relative: number }; participant: { id: number } };
        };
      };
      expect(message.event).toBe("video_separate_png.data");
      const frame = message.data.data;
      return {
        participantId: frame.participant.id,
        type: frame.type,
        relative: frame.timestamp.relative,
        png: Buffer.from(frame.buffer, "base64"),
      };
    });
}

const countBy = (keys: readonly string[]) =>
  Object.fromEntries([...new Set(keys)].sort().map((key) => [key, keys.filter((other) => other === key).length]));

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "framepipe-record-replay-"));
  result = await recordThenReplay({
    outputDir: scratch,
    meeting: { participants: 2, screenshare: 1, fps: 2, duration: 2, images: sendAndRemember },
  });
  const [file] = result.recorded.files;
  recorded = readRecording(await readFile(join(scratch, "recordings", file as string)));
}, 60_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("examples/record-replay: record.yaml, then replay.yaml", () => {
  it("records every frame of the meeting into one gzipped NDJSON file per recording", () => {
    expect(result.recorded.bot.outcome).toBe("completed");
    expect(result.recorded.bot.totals.framesSent).toBe(12);
    expect(result.recorded.summary.written).toEqual({ capture: 12 });
    expect(result.recorded.files).toEqual([`${result.recorded.recordingIds[0]}.ndjson.gz`]);
    expect(countBy(recorded.map((frame) => `${frame.participantId} ${frame.type}`))).toEqual({
      "100 screenshare": 4,
      "100 webcam": 4,
      "101 webcam": 4,
    });
    // Each line carries the PNG the bot sent, byte for byte (frames of a stream in order).
    for (const key of ["100 screenshare", "100 webcam", "101 webcam"]) {
      const [participant, type] = key.split(" ");
      const stream = recorded.filter((frame) => `${frame.participantId} ${frame.type}` === key);
      stream.forEach((frame, counter) => {
        expect(frame.relative).toBe(counter / 2);
        expect(frame.png.equals(sent.get(`${participant}/${type}/${counter}`) as Buffer)).toBe(true);
      });
    }
  });

  it("replays the recording at speed max: the same frames per participant and type, byte for byte", async () => {
    expect(result.replayed.reason).toMatch(/complete/);
    expect(result.replayed.received).toBe(12);
    expect(result.replayed.written).toEqual({ disk: 12 });
    const recordingFolder = join(result.framesDir, result.recorded.recordingIds[0] as string);
    const replayed: Array<{ key: string; png: Buffer }> = [];
    for (const participant of (await readdir(recordingFolder)).sort()) {
      for (const type of (await readdir(join(recordingFolder, participant))).sort()) {
        const folder = join(recordingFolder, participant, type);
        const files = (await readdir(folder)).filter((file) => file.endsWith(".png")).sort();
        for (const file of files)
          replayed.push({ key: `${participant} ${type}`, png: await readFile(join(folder, file)) });
      }
    }
    expect(countBy(replayed.map((frame) => frame.key))).toEqual(
      countBy(recorded.map((frame) => `${frame.participantId} ${frame.type}`)),
    );
    // Files are named by seq, which the replay's ingest assigns in stream order: 000000.png is
    // the stream's first recorded frame.
    for (const key of new Set(replayed.map((frame) => frame.key))) {
      const replayedStream = replayed.filter((frame) => frame.key === key).map((frame) => frame.png);
      const recordedStream = recorded.filter((frame) => `${frame.participantId} ${frame.type}` === key);
      expect(replayedStream).toHaveLength(recordedStream.length);
      replayedStream.forEach((png, index) => {
        expect(png.equals(recordedStream[index]?.png as Buffer)).toBe(true);
      });
    }
  });

  it("runs as a script: pnpm start (tsx src/record-then-replay.ts)", async () => {
    const output = join(scratch, "script");
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "src/record-then-replay.ts", "--duration", "1", "--out", output],
        { cwd: exampleDirectory, stdio: ["ignore", "pipe", "pipe"] },
      );
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
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    // 3 participants + 1 screenshare, 2 frames each.
    expect(run.stdout).toMatch(/recorded 8 of 8 frames sent into .*\.ndjson\.gz/);
    expect(run.stdout).toMatch(/replayed 8 frames at speed max in \d+ ms, 8 written under /);
  }, 30_000);
});
