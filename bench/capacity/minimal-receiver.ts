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
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import sharp from "sharp";
import { WebSocketServer } from "ws";
import { latencyBuckets } from "./latency-histogram.js";

const [wsPort, statsPort, outputDir, pipeline = "resize"] = process.argv.slice(2);
if (
  wsPort === undefined ||
  statsPort === undefined ||
  outputDir === undefined ||
  !/^(resize|passthrough)$/.test(pipeline)
) {
  console.error("usage: minimal-receiver.ts <wsPort> <statsPort> <outputDir> [resize|passthrough]");
  process.exit(1);
}
const resize = pipeline === "resize";

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
    const stored = resize
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
process.on("SIGTERM", () => process.exit(0));
