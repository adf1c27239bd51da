/**
 * The baseline of the capacity benchmark: the receiver someone would write by hand in an afternoon.
 * A ws server whose message handler does `JSON.parse(data.toString())`, `Buffer.from(base64)`, a
 * sharp resize to 320×180 JPEG (pipeline `resize`; `passthrough` writes the PNG as it came) and
 * `writeFile`, started at once for every message: no queue, no flow control, no validation, no
 * ordering. Run as its own process:
 *
 *   node dist/capacity/minimal-receiver.js <wsPort> <statsPort> <outputDir> [resize|passthrough]   (after tsc -b)
 *
 * The only additions are measurements, kept off the frame path's hot work: counters, a latency
 * histogram (receive → file written) with framepipe's bucket bounds, and the exact latencies of
 * the current window, served as JSON on `GET /stats` (`GET /window` starts a new window).
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { Writable } from "node:stream";
import sharp from "sharp";
import { WebSocketServer } from "ws";
import { latencyBuckets } from "./latency-histogram.js";

const [wsPort, statsPort, outputDir, pipeline = "resize"] = process.argv.slice(2);
if (
  wsPort === undefined ||
  statsPort === undefined ||
  outputDir === undefined ||
  !/^(resize|passthrough|video)$/.test(pipeline)
) {
  console.error("usage: minimal-receiver.ts <wsPort> <statsPort> <outputDir> [resize|passthrough|video]");
  process.exit(1);
}
const resize = pipeline === "resize";

/**
 * Pipeline `video`: Recall's sample receiver done right. One `ffmpeg -f image2pipe` (libx264
 * veryfast, zerolatency, fragmented mp4, the video sink's own settings) per stream, keyed by
 * recording, participant and type, started on the stream's first frame; each PNG is written to its
 * stdin in arrival order, and a frame counts as written once stdin took it (`write()` honoured:
 * after `drain` when it returned false). No timing (one image per frame), no gap filling.
 */
interface Encoder {
  readonly stdin: Writable;
  /** The previous frame's write: frames of a stream go to ffmpeg one after another. */
  tail: Promise<void>;
}
const encoders = new Map<string, Encoder>();

function encoderFor(stream: string): Encoder {
  let encoder = encoders.get(stream);
  if (!encoder) {
    const filter =
      "scale=480:360:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=480:360:(ow-iw)/2:(oh-ih)/2,format=yuv420p";
    const child = spawn(
      "ffmpeg",
      [
        ...["-hide_banner", "-nostdin", "-loglevel", "error", "-probesize", "32", "-analyzeduration", "0"],
        ...["-f", "image2pipe", "-framerate", "2", "-c:v", "png", "-i", "pipe:0", "-an"],
        ...(stream.endsWith("-screenshare") ? ["-vf", filter.replaceAll("480:360", "1280:720")] : ["-vf", filter]),
        ...["-c:v", "libx264", "-threads", "1", "-preset", "veryfast", "-tune", "zerolatency", "-crf", "28"],
        ...["-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-frag_duration", "1000000"],
        ...["-f", "mp4", "-flush_packets", "1", "-y", `${outputDir}/${stream}.mp4`],
      ],
      { stdio: ["pipe", "ignore", "inherit"] },
    );
    child.stdin.on("error", () => {});
    encoder = { stdin: child.stdin, tail: Promise.resolve() };
    encoders.set(stream, encoder);
  }
  return encoder;
}

function pipeToEncoder(stream: string, png: Buffer): Promise<void> {
  const encoder = encoderFor(stream);
  const written = encoder.tail.then(
    () =>
      new Promise<void>((resolve, reject) => {
        if (encoder.stdin.write(png)) resolve();
        else {
          encoder.stdin.once("drain", resolve);
          encoder.stdin.once("error", reject);
        }
      }),
  );
  encoder.tail = written.catch(() => {});
  return written;
}

let received = 0;
let writtenCount = 0;
let errors = 0;
let latencySum = 0;
const bucketCounts = latencyBuckets.map(() => 0);
let overflowCount = 0;
let windowLatencies: number[] = [];
const nextNumber = new Map<string, number>();

function observe(seconds: number): void {
  latencySum += seconds;
  windowLatencies.push(seconds);
  const index = latencyBuckets.findIndex((bound) => seconds <= bound);
  if (index === -1) overflowCount += 1;
  else bucketCounts[index]! += 1;
}

interface FrameMessage {
  event: string;
  data: {
    recording: { id: string };
    data: { buffer: string; type: string; participant: { id: number } };
  };
}

const server = new WebSocketServer({ host: "127.0.0.1", port: Number(wsPort) });
server.on("connection", (socket) => {
  socket.on("message", (data: Buffer) => {
    const receivedAt = performance.now();
    const message = JSON.parse(data.toString()) as FrameMessage;
    if (message.event !== "video_separate_png.data") return;
    received += 1;
    const frame = message.data.data;
    const png = Buffer.from(frame.buffer, "base64");
    const stream = `${message.data.recording.id}-${frame.participant.id}-${frame.type}`;
    const number = nextNumber.get(stream) ?? 0;
    nextNumber.set(stream, number + 1);
    const stored =
      pipeline === "video"
        ? pipeToEncoder(stream, png)
        : resize
          ? sharp(png)
              .resize({ width: 320, height: 180, fit: "inside", withoutEnlargement: true })
              .jpeg()
              .toBuffer()
              .then((jpeg) => writeFile(`${outputDir}/${stream}-${number}.jpg`, jpeg))
          : writeFile(`${outputDir}/${stream}-${number}.png`, png);
    stored.then(
      () => {
        writtenCount += 1;
        observe((performance.now() - receivedAt) / 1000);
      },
      () => {
        errors += 1;
      },
    );
  });
});

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
}

const stats = createServer((request, response) => {
  if (request.url === "/window") windowLatencies = [];
  const sorted = [...windowLatencies].sort((left, right) => left - right);
  let cumulative = 0;
  response.setHeader("content-type", "application/json");
  response.end(
    JSON.stringify({
      received,
      written: writtenCount,
      errors,
      latency: {
        bounds: latencyBuckets,
        cumulative: bucketCounts.map((count) => {
          cumulative += count;
          return cumulative;
        }),
        count: cumulative + overflowCount,
        sum: latencySum,
      },
      window: { frames: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) },
    }),
  );
});

server.on("listening", () => {
  stats.listen(Number(statsPort), "127.0.0.1", () => console.log("listening"));
});
process.on("SIGTERM", () => {
  // Close every encoder's input, so each ffmpeg finishes its file (and is not left running).
  for (const encoder of encoders.values()) encoder.stdin.end();
  process.exit(0);
});
