import type { S3Client } from "@aws-sdk/client-s3";
import { createPipeline, type PipelineSummary, validatePipelineConfig } from "@framepipe/core";
import { createMemorySource, createTestContext, createTestStream, settle, until } from "@framepipe/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import s3Sink from "../src/s3-sink.js";
import type { S3SinkOptionsInput } from "../src/s3-sink-options.js";
import { type FaultPlan, type FaultProxy, startFaultProxy } from "./support/fault-proxy.js";
import {
  adminClient,
  createBucket,
  listKeys,
  type RadosgwConnection,
  radosgw,
  radosgwOptions,
  readObject,
} from "./support/radosgw.js";

let connection: RadosgwConnection;
let admin: S3Client;
let bucket: string;
let proxy: FaultProxy | undefined;

beforeAll(async () => {
  connection = radosgw();
  admin = adminClient(connection);
  bucket = await createBucket(admin, "sink-s3-faults");
});

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

afterAll(() => {
  admin?.destroy();
});

const isUpload = (request: { method?: string }) => request.method === "PUT";

/** Runs a real pipeline (memory source → s3 sink through the proxy) until the source is drained. */
async function runPipeline(
  plan: FaultPlan,
  prefix: string,
  frames: ReturnType<typeof createTestStream>,
  retryFor?: string,
): Promise<PipelineSummary> {
  proxy = await startFaultProxy(connection.endpoint, plan);
  const source = createMemorySource(frames);
  const sinkOptions: S3SinkOptionsInput = {
    ...radosgwOptions(connection, bucket),
    endpoint: proxy.url,
    prefix,
    manifest: true,
    ...(retryFor === undefined ? {} : { retryFor }),
  };
  const loaded = await validatePipelineConfig(
    {
      version: 1,
      sources: { memory: { type: "memory" } },
      sinks: { archive: { type: "s3", inputs: ["memory"], ...sinkOptions } },
    },
    { plugins: [source.definition, s3Sink] },
  );
  if (!loaded.ok) throw new Error(loaded.problems.map((problem) => problem.message).join("\n"));
  const pipeline = await createPipeline(loaded.config);
  await pipeline.start();
  return pipeline.done;
}

/** Every frame is stored exactly once, byte for byte, and each manifest lists each frame once. */
async function expectExactlyOnce(prefix: string, frames: ReturnType<typeof createTestStream>): Promise<void> {
  const keys = await listKeys(admin, bucket, `${prefix}/`);
  const frameKeys = keys.filter((key) => !key.endsWith("manifest.ndjson"));
  const expected = frames.map(
    (frame) =>
      `${prefix}/${frame.recording.id}/${frame.participant.id}-${frame.type}/${String(frame.seq).padStart(6, "0")}.png`,
  );
  expect(frameKeys.sort()).toEqual([...expected].sort());
  for (const [index, frame] of frames.entries()) {
    const stored = await readObject(admin, bucket, expected[index] ?? "");
    expect(stored?.equals(frame.image.data), `bytes of ${expected[index]}`).toBe(true);
  }
  const manifests = keys.filter((key) => key.endsWith("manifest.ndjson"));
  const streams = new Set(frames.map((frame) => `${frame.participant.id}-${frame.type}`));
  expect(manifests).toHaveLength(streams.size);
  const listed: string[] = [];
  for (const key of manifests) {
    const body = (await readObject(admin, bucket, key))?.toString("utf8") ?? "";
    for (const line of body.trim().split("\n")) listed.push((JSON.parse(line) as { key: string }).key);
  }
  expect(listed.sort()).toEqual([...expected].sort());
}

describe("s3 sink against radosgw behind a faulty proxy, in a real pipeline", () => {
  it("stores every frame exactly once while the store answers 503 SlowDown for a while", async () => {
    const frames = createTestStream({
      participants: 3,
      types: ["webcam", "screenshare"],
      frames: 4,
      base: { recording: { id: "rec-slow" } },
    });
    const summary = await runPipeline({ fault: "slow-down", count: 10, match: isUpload }, "slow-down", frames);
    expect(proxy?.faults).toBe(10);
    expect(summary.written).toEqual({ archive: frames.length });
    expect(summary.dropped).toEqual({});
    await expectExactlyOnce("slow-down", frames);
  });

  it("stores every frame exactly once when responses are lost after the store applied the write", async () => {
    const frames = createTestStream({ participants: 2, frames: 3, base: { recording: { id: "rec-reset" } } });
    const summary = await runPipeline({ fault: "reset-after", count: 4, match: isUpload }, "reset", frames);
    expect(proxy?.faults).toBe(4);
    expect(summary.written).toEqual({ archive: frames.length });
    await expectExactlyOnce("reset", frames);
  });

  it("drops frames the store keeps refusing, counted, while the pipeline keeps running", async () => {
    const frames = createTestStream({ participants: 1, frames: 2, base: { recording: { id: "rec-500" } } });
    const summary = await runPipeline(
      { fault: "internal-error", match: (request) => isUpload(request) && request.url?.includes("000000") === true },
      "server-error",
      frames,
      // Five attempts per frame, not five minutes of them: the fault never clears.
      "0",
    );
    expect(summary.written).toEqual({ archive: 1 });
    expect(summary.errors).toBeGreaterThan(0);
    expect(await listKeys(admin, bucket, "server-error/")).toEqual([
      `server-error/rec-500/${frames[0]?.participant.id}-webcam/000001.png`,
      `server-error/rec-500/${frames[0]?.participant.id}-webcam/manifest.ndjson`,
    ]);
  });
});

describe("s3 sink shutdown against radosgw", () => {
  it("close() waits for the uploads in flight, which then land", async () => {
    proxy = await startFaultProxy(connection.endpoint, { fault: "hold", match: isUpload });
    const options = s3Sink.options.parse({
      ...radosgwOptions(connection, bucket),
      endpoint: proxy.url,
      prefix: "close",
    });
    const sink = await s3Sink.create(
      options,
      createTestContext<typeof s3Sink.deps>({ type: "s3", componentId: "close" }),
    );
    const frames = createTestStream({ participants: 3, frames: 1, base: { recording: { id: "rec-close" } } });
    const writes = frames.map((frame) => sink.write(frame));
    await until(() => proxy?.held === frames.length);
    let closed = false;
    const closing = Promise.resolve(sink.close?.()).then(() => {
      closed = true;
    });
    await settle();
    expect(closed).toBe(false);
    expect(await listKeys(admin, bucket, "close/")).toEqual([]);
    proxy.release();
    await Promise.all(writes);
    await closing;
    expect(closed).toBe(true);
    expect(await listKeys(admin, bucket, "close/")).toHaveLength(frames.length);
  });
});
