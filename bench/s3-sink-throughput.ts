/**
 * The `s3` sink (@framepipe/sink-s3) fed by an in-memory source through `createPipeline`, beside
 * a bare `PutObject` loop with the same number of uploads in flight and the same client settings,
 * on the same realistic 640×360 webcam PNGs, uploading to Ceph radosgw on 127.0.0.1, alternating
 * pass by pass in one run. Every pass writes under its own key prefix; the objects are deleted
 * between passes (outside the timed window) so radosgw's in-memory store does not fill up.
 * Target (issue 6): the sink ≥ 90% of the bare loop's uploads/s. Since issue 11 the sink runs with
 * what it declares (16 uploads in flight, above `runtime.concurrency`'s 8): the bare loop keeps 16
 * in flight too, and the peak number of PutObjects in flight through the sink is measured.
 *
 * For information, a third loop sends what the sink sends per object (Content-Type and ten
 * x-amz-meta-* headers, written by hand): it separates the cost of those headers in the SDK
 * (signing, serialising) from the framework's own.
 *
 * radosgw is started with the project's scripts/radosgw/start.sh in a folder and on ports of its
 * own (7490, monitor 6799), and stopped at the end only if this run started it.
 *
 * Run: pnpm --filter @framepipe/bench s3-sink-throughput
 */
import { randomUUID } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import s3Sink from "@framepipe/sink-s3";
import { compareMeasured, type MeasuredPass, printFigures, reportRatios, startWindow } from "./lib/compare-measured.js";
import { watchMachineLoad } from "./lib/machine-load.js";
import { runMemoryPipeline, runWithParallelism } from "./lib/memory-pipeline.js";
import { ensureRadosgw } from "./lib/radosgw.js";
import { writeResult } from "./lib/results.js";
import { imageBytes, sizedFrames } from "./lib/sized-frames.js";

// 16 streams, so that 16 writes can be in flight at once (a stream's writes go one at a time).
const participants = 16;
const framesPerStream = 10;
/** What the sink declares (DEFAULT_CONCURRENCY); the runtime default for other components stays 8. */
const concurrency = s3Sink.concurrency ?? 16;
const passes = 11;
const warmup = 1;

const machineLoad = watchMachineLoad();
const frames = await sizedFrames({ type: "webcam", width: 640, height: 360, participants, framesPerStream });
const bytes = imageBytes(frames);
const description =
  `${frames.length} realistic 640×360 webcam PNGs of ${participants} participants per pass ` +
  `(${(bytes / frames.length / 1024).toFixed(0)} KiB mean), ${concurrency} uploads in flight`;
console.log(description);
const server = ensureRadosgw();
// A fresh object each time: the SDK marks the credentials objects it is given (a `$source` key),
// which the sink's strict option schema would then reject.
const credentials = () => ({ accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
/** What the sink configures for its own client (create-s3-client.ts), written out for the bare loop. */
const clientConfig = (): S3ClientConfig => ({
  region: server.region,
  endpoint: server.endpoint,
  forcePathStyle: true,
  credentials: credentials(),
  maxAttempts: 2,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
  requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
});
const admin = new S3Client(clientConfig());
const bucket = `framepipe-bench-${randomUUID().slice(0, 8)}`;

let passNumber = 0;

/** Deletes every object under `prefix` (outside the timed window). */
async function deletePrefix(prefix: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await admin.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 1000 }),
    );
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
    await runWithParallelism(keys, 16, async (key) => {
      await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** A fresh prefix for one pass; the previous pass's objects are deleted first. */
async function freshPrefix(): Promise<string> {
  if (passNumber > 0) await deletePrefix(`pass-${passNumber}/`);
  passNumber += 1;
  return `pass-${passNumber}/`;
}

/** Per-object headers as the sink sends them (Content-Type and user metadata), written by hand. */
function sinkLikeHeaders(frame: (typeof frames)[number], seq: number) {
  return {
    ContentType: "image/png",
    Metadata: {
      "recording-id": frame.recording.id,
      "participant-id": String(frame.participant.id),
      "participant-name": frame.participant.name ?? "",
      type: frame.type,
      seq: String(seq),
      "timestamp-relative": String(frame.timestamp.relative),
      "timestamp-absolute": frame.timestamp.absolute.toISOString(),
      width: String(frame.image.width),
      height: String(frame.image.height),
      format: frame.image.format,
    },
  };
}

const putObjectLoop = (withHeaders: boolean) => async (): Promise<MeasuredPass> => {
  const prefix = await freshPrefix();
  const client = new S3Client(clientConfig());
  const sequence = new Map<string, number>();
  const end = startWindow();
  await runWithParallelism(frames, concurrency, async (frame) => {
    const stream = `${frame.recording.id}/${frame.participant.id}-${frame.type}`;
    const seq = sequence.get(stream) ?? 0;
    sequence.set(stream, seq + 1);
    const key = `${prefix}${stream}/${String(seq).padStart(6, "0")}.png`;
    const headers = withHeaders ? sinkLikeHeaders(frame, seq) : {};
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: frame.image.data, ...headers }));
  });
  const measured = end();
  client.destroy();
  return { ...measured, items: frames.length, bytes };
};

/** The most PutObjects in flight at once through the sink, over all passes. */
let sinkPeakInFlight = 0;

/** A client like the sink's own, counting the requests it has in flight. */
function countingClient(): S3Client {
  const client = new S3Client(clientConfig());
  let inFlight = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      inFlight += 1;
      sinkPeakInFlight = Math.max(sinkPeakInFlight, inFlight);
      try {
        return await next(args);
      } finally {
        inFlight -= 1;
      }
    },
    { step: "initialize", name: "countInFlight" },
  );
  return client;
}

async function throughSink(): Promise<MeasuredPass> {
  const prefix = await freshPrefix();
  const client = countingClient();
  try {
    return await runMemoryPipeline({
      frames,
      // No `concurrency:`: the sink's own declaration (16) applies, above runtime.concurrency (8).
      sink: { type: "s3", bucket, prefix, healthcheck: false },
      runtime: { concurrency: 8 },
      plugins: [s3Sink],
      services: { s3Client: client },
      bytes,
    });
  } finally {
    client.destroy();
  }
}

let results: Awaited<ReturnType<typeof compareMeasured>> | undefined;
try {
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  results = await compareMeasured(
    {
      "PutObject loop": putObjectLoop(false),
      "s3 sink": throughSink,
      "PutObject + sink's headers loop (info)": putObjectLoop(true),
    },
    { warmup, passes },
  );
} finally {
  await deletePrefix("").catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
  await admin.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
  admin.destroy();
  server.stop();
}

printFigures("s3 sink vs PutObject (uploads/s = frames/s)", results);
console.log(`PutObjects in flight through the sink at most: ${sinkPeakInFlight} (it declares ${concurrency})`);
const { line: _line, ...ratios } = reportRatios(results, "s3 sink", "PutObject loop", 0.9);
const { line: _infoLine, ...headerRatios } = reportRatios(
  results,
  "PutObject + sink's headers loop (info)",
  "PutObject loop",
  null,
);
const file = await writeResult("s3-sink-throughput", "pnpm --filter @framepipe/bench s3-sink-throughput", {
  loadAverage: machineLoad(),
  setup:
    "one process; Ceph radosgw 16 (memstore OSD) on 127.0.0.1 on the same 2 cores; " +
    "same S3Client settings for both (maxAttempts 2, checksums WHEN_REQUIRED); objects deleted between passes",
  workload: description,
  results,
  ...ratios,
  headersOnly: headerRatios,
  sinkPeakInFlight,
  sinkDeclaredConcurrency: concurrency,
  target: "s3 sink ≥ 90% of a bare PutObject loop's uploads/s",
});
console.log(`wrote ${file}`);
