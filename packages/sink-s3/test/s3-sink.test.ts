import { S3Client } from "@aws-sdk/client-s3";
import { createPipeline, FramepipeError, isTransientError, streamKeyOfFrame, withImage } from "@framepipe/core";
import {
  createMemorySource,
  createTestContext,
  createTestFrame,
  createTestStream,
  type Deferred,
  deferred,
  settle,
  until,
} from "@framepipe/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MANIFEST_CHECKPOINT_LINES } from "../src/manifest-objects.js";
import { decodeMetadataValue } from "../src/object-metadata.js";
import s3Sink from "../src/s3-sink.js";
import { type FakeCall, FakeS3Client, networkError, s3ServiceError } from "./support/fake-s3-client.js";
import { createFakeSink } from "./support/fake-sink.js";

function streamInfo(frame: ReturnType<typeof createTestFrame>) {
  return {
    key: streamKeyOfFrame(frame),
    groupKey: `${frame.recording.id}#${frame.participant.id}`,
    recordingId: frame.recording.id,
    participantId: frame.participant.id,
    type: frame.type,
  };
}

/** Holds every PutObject until released, in arrival order. */
function holdPuts(client: FakeS3Client): Deferred[] {
  const gates: Deferred[] = [];
  client.beforeSend = (call: FakeCall) => {
    if (call.command !== "PutObjectCommand") return;
    const gate = deferred();
    gates.push(gate);
    return gate.promise;
  };
  return gates;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("s3 sink: objects", () => {
  it("stores each frame under its rendered key, after the prefix, with its bytes and content type", async () => {
    const { sink, client } = await createFakeSink({ prefix: "archive/2026" });
    const frame = createTestFrame({ recording: { id: "rec-1" }, participant: { id: 12 }, seq: 3 });
    await sink.write(frame);
    const stored = client.objects.get("archive/2026/rec-1/12-webcam/000003.png");
    expect(stored?.body.equals(frame.image.data)).toBe(true);
    expect(stored?.input).toMatchObject({ Bucket: "frames", ContentType: "image/png" });
    await sink.close();
  });

  it("sets the content type from the frame's current format", async () => {
    const { sink, client } = await createFakeSink({ key: "{seq}.{ext}" });
    const base = createTestFrame();
    const formats = ["jpeg", "webp", "avif"] as const;
    for (const [index, format] of formats.entries()) {
      await sink.write(withImage({ ...base, seq: index }, { ...base.image, format }));
    }
    expect([...client.objects].map(([key, object]) => [key, object.input.ContentType])).toEqual([
      ["000000.jpg", "image/jpeg"],
      ["000001.webp", "image/webp"],
      ["000002.avif", "image/avif"],
    ]);
    await sink.close();
  });

  it("keeps hostile participant names inside one key segment", async () => {
    const { sink, client } = await createFakeSink({ key: "{recording.id}/{participant.name}/{seq}.{ext}" });
    for (const [seq, name] of ["../../etc", "a/b", "\\\\server\\share", "\u0000nul", ""].entries()) {
      await sink.write(createTestFrame({ recording: { id: "rec" }, participant: { name }, seq }));
    }
    for (const key of client.objects.keys()) {
      const segments = key.split("/");
      expect(segments).toHaveLength(3);
      expect(segments[0]).toBe("rec");
      expect(segments.some((segment) => segment === ".." || segment === "." || segment === "")).toBe(false);
      expect(key.includes("\\") || key.includes("\u0000")).toBe(false);
    }
    expect(client.objects.size).toBe(5);
    await sink.close();
  });

  it("stores frame metadata (non-ASCII names encoded), extras and the object settings", async () => {
    const { sink, client } = await createFakeSink({
      metadata: { team: "blue" },
      cacheControl: "max-age=60",
      storageClass: "STANDARD_IA",
      serverSideEncryption: "aws:kms",
      sseKmsKeyId: "key-1",
    });
    const frame = createTestFrame({ participant: { id: 5, name: "Zoë" }, seq: 1 });
    await sink.write(frame);
    const [put] = client.callsOf("PutObjectCommand");
    expect(put?.input).toMatchObject({
      CacheControl: "max-age=60",
      StorageClass: "STANDARD_IA",
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: "key-1",
    });
    const metadata = put?.input.Metadata as Record<string, string>;
    expect(metadata).toMatchObject({ team: "blue", "participant-id": "5", seq: "1", type: "webcam" });
    expect(decodeMetadataValue(metadata["participant-name"] ?? "")).toBe("Zoë");
    expect(Object.values(metadata).every((value) => /^[\x20-\x7e]*$/.test(value))).toBe(true);
    await sink.close();
  });
});

describe("s3 sink: flow", () => {
  it("resolves write() only once the object is stored", async () => {
    const { sink, client } = await createFakeSink();
    const gates = holdPuts(client);
    let written = false;
    const writing = sink.write(createTestFrame()).then(() => {
      written = true;
    });
    await until(() => gates.length === 1);
    await settle();
    expect(written).toBe(false);
    expect(client.objects.size).toBe(0);
    gates[0]?.resolve();
    await writing;
    expect(written).toBe(true);
    expect(client.objects.size).toBe(1);
    await sink.close();
  });

  it("keeps at most `concurrency` uploads in flight, all streams together", async () => {
    const { sink, client } = await createFakeSink({ concurrency: 3 });
    const gates = holdPuts(client);
    const frames = createTestStream({ participants: 5, types: ["webcam", "screenshare"], frames: 1 });
    const writes = frames.map((frame) => sink.write(frame));
    await until(() => gates.length === 3);
    await settle();
    expect(client.active).toBe(3);
    expect(sink.pendingUploads).toBe(10);
    for (let index = 0; index < frames.length; index += 1) {
      await until(() => gates.length > index);
      gates[index]?.resolve();
    }
    await Promise.all(writes);
    expect(client.maxConcurrent).toBe(3);
    expect(client.objects.size).toBe(10);
    await sink.close();
  });

  it("runs 16 uploads at once in a pipeline by default, and what `concurrency:` in the config says", async () => {
    for (const [setting, expected] of [
      [undefined, 16],
      [5, 5],
    ] as const) {
      const client = new FakeS3Client();
      const gates = holdPuts(client);
      const frames = createTestStream({ participants: 12, types: ["webcam", "screenshare"], frames: 1 });
      const source = createMemorySource(frames);
      const pipeline = await createPipeline(
        {
          version: 1,
          sources: { memory: { type: "memory" } },
          sinks: {
            archive: {
              type: "s3",
              inputs: ["memory"],
              bucket: client.bucket,
              healthcheck: false,
              ...(setting === undefined ? {} : { concurrency: setting }),
            },
          },
          // Two steps at once for components that set nothing: the sink's own figure must win.
          runtime: { concurrency: 2 },
          api: { port: null },
        },
        { plugins: [source.definition, s3Sink], services: { s3Client: client.asClient() } },
      );
      const done = pipeline.start().then(() => pipeline.done);
      await until(() => gates.length === expected);
      await settle();
      expect(client.active).toBe(expected);
      for (let index = 0; index < frames.length; index += 1) {
        await until(() => gates.length > index);
        gates[index]?.resolve();
      }
      const summary = await done;
      expect(summary.written).toEqual({ archive: frames.length });
      expect(client.maxConcurrent).toBe(expected);
    }
  });

  it.each([
    ["..", "."],
    ["a/b", "a_b"],
    ["CON", "_CON"],
  ])("stores recordings %j and %j under keys of their own", async (first, second) => {
    const { sink, client } = await createFakeSink({ key: "{recording.id}/{seq}.{ext}" });
    await sink.write(createTestFrame({ seq: 0, recording: { id: first } }));
    await sink.write(createTestFrame({ seq: 0, recording: { id: second } }));
    expect(client.objects.size).toBe(2);
    await sink.close();
  });

  it("close() waits for uploads in flight, then refuses writes; an injected client is not destroyed", async () => {
    const { sink, client } = await createFakeSink();
    const gates = holdPuts(client);
    const writes = createTestStream({ participants: 2, frames: 1 }).map((frame) => sink.write(frame));
    await until(() => gates.length === 2);
    let closed = false;
    const closing = sink.close().then(() => {
      closed = true;
    });
    await settle();
    expect(closed).toBe(false);
    await expect(sink.write(createTestFrame({ seq: 9 }))).rejects.toThrow(/write after close/);
    for (const gate of gates) gate.resolve();
    await Promise.all(writes);
    await closing;
    expect(closed).toBe(true);
    expect(client.objects.size).toBe(2);
    expect(client.destroyed).toBe(false);
    await sink.close();
  });

  it("destroys the client it created itself on close", async () => {
    const destroy = vi.spyOn(S3Client.prototype, "destroy");
    const options = s3Sink.options.parse({
      bucket: "frames",
      endpoint: "http://127.0.0.1:9",
      credentials: { accessKeyId: "id", secretAccessKey: "secret" },
      healthcheck: false,
    });
    const sink = await s3Sink.create(
      options,
      createTestContext<typeof s3Sink.deps>({ type: "s3", componentId: "own" }),
    );
    expect(destroy).not.toHaveBeenCalled();
    await sink.close?.();
    await sink.close?.();
    expect(destroy).toHaveBeenCalledTimes(1);
  });
});

describe("s3 sink: failures", () => {
  it("marks throttling, 5xx and reset connections transient, with a message naming bucket and key", async () => {
    const { sink, client } = await createFakeSink();
    const failures = [
      s3ServiceError("SlowDown", 503),
      s3ServiceError("InternalError", 500),
      networkError("ECONNRESET"),
    ];
    for (const failure of failures) {
      client.beforeSend = (call) => {
        if (call.command === "PutObjectCommand") throw failure;
      };
      const error = await sink.write(createTestFrame({ recording: { id: "rec" }, participant: { id: 1 } })).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(FramepipeError.isInstance(error)).toBe(true);
      expect(isTransientError(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /^\[framepipe\] \[sink:s3#archive\] PutObject "rec\/1-webcam\/000000.png" in bucket "frames" at the S3 client passed as a service failed: /,
      );
      expect((error as Error).cause).toBe(failure);
    }
    client.beforeSend = undefined;
    await sink.write(createTestFrame());
    expect(client.objects.size).toBe(1);
    await sink.close();
  });

  it("does not retry client errors, and says what to check", async () => {
    const { sink, client } = await createFakeSink({
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI" },
    });
    client.beforeSend = () => {
      throw s3ServiceError("SignatureDoesNotMatch", 403, "signature of AKIDEXAMPLE wrong");
    };
    const error = (await sink.write(createTestFrame()).catch((caught: unknown) => caught)) as Error;
    expect(isTransientError(error)).toBe(false);
    expect(error.message).toMatch(/check the secret access key and the region/);
    expect(error.message).not.toContain("AKIDEXAMPLE");
    expect(error.message).not.toContain("wJalrXUtnFEMI");
    await sink.close();
  });
});

describe("s3 sink: healthcheck", () => {
  it("fails create() when the bucket does not exist, naming it", async () => {
    const client = new FakeS3Client("frames");
    const error = await createFakeSink({ bucket: "missing" }, client).catch((caught: unknown) => caught);
    expect(FramepipeError.isInstance(error)).toBe(true);
    expect((error as FramepipeError).stage).toBe("create");
    expect((error as Error).message).toBe(
      '[framepipe] [sink:s3#archive] HeadBucket (healthcheck) in bucket "missing" at the S3 client passed as a service ' +
        "failed: the bucket does not exist (HTTP 404): create it, or check the bucket name and endpoint",
    );
  });

  it("asks for the precise code when HeadBucket answers a bare 403", async () => {
    const client = new FakeS3Client();
    client.beforeSend = (call) => {
      if (call.command === "HeadBucketCommand") throw s3ServiceError("Unknown", 403);
      if (call.command === "ListObjectsV2Command") throw s3ServiceError("InvalidAccessKeyId", 403);
    };
    const error = (await createFakeSink({}, client).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(
      /access key id is not known to the server \(InvalidAccessKeyId, HTTP 403\): check the credentials/,
    );
  });

  it("explains that HeadBucket needs s3:ListBucket when access is denied", async () => {
    const client = new FakeS3Client();
    client.beforeSend = (call) => {
      if (call.command === "HeadBucketCommand") throw s3ServiceError("Unknown", 403);
      if (call.command === "ListObjectsV2Command") throw s3ServiceError("AccessDenied", 403);
    };
    const error = (await createFakeSink({}, client).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(
      /access denied \(AccessDenied, HTTP 403\): .*; HeadBucket needs the s3:ListBucket permission; with write-only credentials set healthcheck: false$/,
    );
  });

  it("is skipped with healthcheck: false", async () => {
    const { sink, client } = await createFakeSink(
      { bucket: "missing", healthcheck: false },
      new FakeS3Client("frames"),
    );
    expect(client.callsOf("HeadBucketCommand")).toHaveLength(0);
    await sink.close();
  });
});

describe("s3 sink: manifest", () => {
  function manifestLines(client: FakeS3Client, key: string): Record<string, unknown>[] {
    const body = client.objects.get(key)?.body.toString("utf8") ?? "";
    return body
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it("writes one NDJSON line per stored frame when the stream ends", async () => {
    const { sink, client } = await createFakeSink({ manifest: true, prefix: "p" });
    const frames = createTestStream({
      participants: [{ id: 3, name: "Ada" }],
      frames: 3,
      base: { recording: { id: "r" } },
    });
    for (const frame of frames) await sink.write(frame);
    expect(client.objects.has("p/r/3-webcam/manifest.ndjson")).toBe(false);
    const [first] = frames;
    if (first) await sink.endStream(streamInfo(first));
    const lines = manifestLines(client, "p/r/3-webcam/manifest.ndjson");
    expect(lines.map((line) => line.seq)).toEqual([0, 1, 2]);
    expect(lines[1]).toEqual({
      key: "p/r/3-webcam/000001.png",
      seq: 1,
      relative: frames[1]?.timestamp.relative,
      absolute: frames[1]?.timestamp.absolute.toISOString(),
      width: frames[1]?.image.width,
      height: frames[1]?.image.height,
      format: "png",
      bytes: frames[1]?.image.data.byteLength,
      participantName: "Ada",
    });
    expect(client.objects.get("p/r/3-webcam/manifest.ndjson")?.input.ContentType).toMatch(/^application\/x-ndjson/);
    await sink.close();
  });

  it("continues the manifest when a stream ends again, and keeps lines when a save fails", async () => {
    const { sink, client } = await createFakeSink({ manifest: true });
    const frames = createTestStream({ participants: 1, frames: 4, base: { recording: { id: "r" } } });
    const [a, b, c, d] = frames;
    if (!a || !b || !c || !d) throw new Error("expected 4 frames");
    const key = `r/${a.participant.id}-webcam/manifest.ndjson`;
    await sink.write(a);
    await sink.endStream(streamInfo(a));
    await sink.write(b);
    await sink.write(c);
    client.beforeSend = (call) => {
      if (call.command === "PutObjectCommand" && call.input.Key === key) throw s3ServiceError("SlowDown", 503);
    };
    const error = await sink.endStream(streamInfo(a)).catch((caught: unknown) => caught);
    expect(isTransientError(error)).toBe(true);
    expect((error as Error).message).toMatch(/\[sink:s3#archive\] PutObject ".*manifest.ndjson" \(manifest\)/);
    client.beforeSend = undefined;
    await sink.write(d);
    await sink.endStream(streamInfo(a));
    expect(manifestLines(client, key).map((line) => line.seq)).toEqual([0, 1, 2, 3]);
    await sink.close();
  });

  it("checkpoints a long stream's manifest every 1024 lines instead of keeping them all", async () => {
    const { sink, client } = await createFakeSink({
      manifest: true,
      key: "{recording.id}/{participant.id}-{type}/{seq}.{ext}",
    });
    const frames = createTestStream({
      participants: 1,
      frames: MANIFEST_CHECKPOINT_LINES + 2,
      base: { recording: { id: "r" } },
    });
    const [first] = frames;
    if (!first) throw new Error("expected frames");
    const key = `r/${first.participant.id}-webcam/manifest.ndjson`;
    for (const frame of frames) await sink.write(frame);
    await until(() => client.objects.has(key));
    expect(manifestLines(client, key)).toHaveLength(MANIFEST_CHECKPOINT_LINES);
    await sink.endStream(streamInfo(first));
    expect(manifestLines(client, key).map((line) => line.seq)).toEqual(frames.map((frame) => frame.seq));
    await sink.close();
  });

  it("saves open manifests on close and on endGroup", async () => {
    const { sink, client } = await createFakeSink({ manifest: true });
    const frames = createTestStream({ participants: 2, frames: 1, base: { recording: { id: "r" } } });
    for (const frame of frames) await sink.write(frame);
    const [first] = frames;
    if (!first) throw new Error("expected frames");
    await sink.endGroup({
      key: `r#${first.participant.id}`,
      recordingId: "r",
      participantId: first.participant.id,
      reason: "leave",
    });
    expect([...client.objects.keys()].filter((key) => key.endsWith("manifest.ndjson"))).toHaveLength(1);
    await sink.close();
    expect([...client.objects.keys()].filter((key) => key.endsWith("manifest.ndjson"))).toHaveLength(2);
  });
});

describe("s3 sink: retryFor", () => {
  it("tells the runtime how long to retry failing uploads: 5 minutes unless configured", async () => {
    const { sink } = await createFakeSink({ healthcheck: false });
    expect(sink.retryFor).toBe(300_000);
    const { sink: brief } = await createFakeSink({ healthcheck: false, retryFor: "30s" });
    expect(brief.retryFor).toBe(30_000);
    await sink.close();
    await brief.close();
  });
});
