import { createServer } from "node:net";
import type { S3Client } from "@aws-sdk/client-s3";
import { FramepipeError, isTransientError, type SinkInstance, streamKeyOfFrame, withImage } from "@framepipe/core";
import { createTestContext, createTestFrame, createTestStream, sinkContract } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeMetadataValue } from "../src/object-metadata.js";
import s3Sink from "../src/s3-sink.js";
import type { S3SinkOptionsInput } from "../src/s3-sink-options.js";
import {
  adminClient,
  createBucket,
  headObject,
  listKeys,
  type RadosgwConnection,
  radosgw,
  radosgwOptions,
  readObject,
} from "./support/radosgw.js";

let connection: RadosgwConnection;
let admin: S3Client;
let bucket: string;

beforeAll(async () => {
  connection = radosgw();
  admin = adminClient(connection);
  bucket = await createBucket(admin, "sink-s3-it");
});

afterAll(() => {
  admin?.destroy();
});

async function createSink(options: Partial<S3SinkOptionsInput> = {}): Promise<SinkInstance> {
  const parsed = s3Sink.options.parse({ ...radosgwOptions(connection, bucket), ...options });
  return s3Sink.create(parsed, createTestContext<typeof s3Sink.deps>({ type: "s3", componentId: "radosgw" }));
}

async function createError(options: Partial<S3SinkOptionsInput>): Promise<FramepipeError> {
  const error = await createSink(options).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!FramepipeError.isInstance(error)) throw new Error(`expected a FramepipeError, got ${String(error)}`);
  return error;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("s3 sink against Ceph radosgw", () => {
  it("stores objects under their keys with content type, metadata and cache control, read back byte for byte", async () => {
    const sink = await createSink({ prefix: "objects", metadata: { team: "blue" }, cacheControl: "max-age=60" });
    const png = createTestFrame({ recording: { id: "rec-a" }, participant: { id: 7, name: "Zoë Ñúñez" }, seq: 0 });
    const jpeg = withImage(
      createTestFrame({ recording: { id: "rec-a" }, participant: { id: 7, name: "Zoë Ñúñez" }, seq: 1 }),
      { ...png.image, format: "jpeg" },
    );
    await sink.write(png);
    await sink.write(jpeg);
    await sink.close?.();

    expect(await listKeys(admin, bucket, "objects/")).toEqual([
      "objects/rec-a/7-webcam/000000.png",
      "objects/rec-a/7-webcam/000001.jpg",
    ]);
    expect((await readObject(admin, bucket, "objects/rec-a/7-webcam/000000.png"))?.equals(png.image.data)).toBe(true);
    const head = await headObject(admin, bucket, "objects/rec-a/7-webcam/000001.jpg");
    expect(head.ContentType).toBe("image/jpeg");
    expect(head.CacheControl).toBe("max-age=60");
    expect(head.ContentLength).toBe(jpeg.image.data.byteLength);
    const metadata = head.Metadata ?? {};
    expect(metadata).toMatchObject({
      team: "blue",
      "recording-id": "rec-a",
      "participant-id": "7",
      type: "webcam",
      seq: "1",
      "timestamp-relative": String(jpeg.timestamp.relative),
      "timestamp-absolute": jpeg.timestamp.absolute.toISOString(),
      format: "jpeg",
    });
    expect(decodeMetadataValue(metadata["participant-name"] ?? "")).toBe("Zoë Ñúñez");
    expect((await headObject(admin, bucket, "objects/rec-a/7-webcam/000000.png")).ContentType).toBe("image/png");
  });

  it("uploads a frame above the multipart threshold with lib-storage", async () => {
    const sink = await createSink({ prefix: "multipart", key: "{seq}.bin" });
    const data = Buffer.alloc(9 * 1024 * 1024 + 123);
    for (let offset = 0; offset < data.length; offset += 4096) data.writeUInt32BE(offset, offset);
    const frame = withImage(createTestFrame(), { data, format: "raw", width: 1, height: 1 });
    await sink.write(frame);
    await sink.close?.();
    const stored = await readObject(admin, bucket, "multipart/000000.bin");
    expect(stored?.length).toBe(data.length);
    expect(stored?.equals(data)).toBe(true);
    expect((await headObject(admin, bucket, "multipart/000000.bin")).ContentType).toBe("application/octet-stream");
  });

  it("after a restart continues each stream's numbering past the stored objects, replacing none", async () => {
    const recording = { id: `restart-${Date.now()}` };
    const firstRun = await createSink();
    for (const frame of createTestStream({ participants: 1, frames: 4, base: { recording } })) {
      await firstRun.write(frame);
    }
    await firstRun.close?.();
    const secondRun = await createSink();
    const restarted = createTestStream({ participants: 1, frames: 3, base: { recording } });
    for (const frame of restarted)
      await secondRun.write(withImage(frame, { ...frame.image, data: Buffer.from(`second-${frame.seq}`) }));
    await secondRun.close?.();
    const keys = await listKeys(admin, bucket, `${recording.id}/`);
    expect(keys.map((key) => key.split("/").at(-1))).toEqual([
      "000000.png",
      "000001.png",
      "000002.png",
      "000003.png",
      "000004.png",
      "000005.png",
      "000006.png",
    ]);
    expect((await readObject(admin, bucket, keys[4]!))?.toString("utf8")).toBe("second-0");
    expect((await readObject(admin, bucket, keys[0]!))?.toString("utf8")).not.toBe("second-0");
  });

  it("writes a manifest object per stream when the stream ends", async () => {
    const sink = await createSink({ prefix: "manifest", manifest: true });
    const frames = createTestStream({ participants: 2, frames: 3, base: { recording: { id: "rec-m" } } });
    for (const frame of frames) await sink.write(frame);
    const [first] = frames;
    if (!first) throw new Error("expected frames");
    await sink.endStream?.({
      key: streamKeyOfFrame(first),
      groupKey: `${first.recording.id}#${first.participant.id}`,
      recordingId: first.recording.id,
      participantId: first.participant.id,
      type: first.type,
    });
    await sink.close?.();
    const key = `manifest/rec-m/${first.participant.id}-webcam/manifest.ndjson`;
    const lines = (await readObject(admin, bucket, key))?.toString("utf8").trim().split("\n") ?? [];
    expect(lines.map((line) => JSON.parse(line) as { seq: number; key: string })).toEqual(
      [0, 1, 2].map((seq) =>
        expect.objectContaining({ seq, key: `manifest/rec-m/${first.participant.id}-webcam/00000${seq}.png` }),
      ),
    );
    // close() saved the other participant's manifest too.
    expect((await listKeys(admin, bucket, "manifest/")).filter((name) => name.endsWith(".ndjson"))).toHaveLength(2);
  });

  it("fails create() with a clear message when the bucket does not exist", async () => {
    const error = await createError({ bucket: "no-such-bucket-framepipe" });
    expect(error.stage).toBe("create");
    expect(error.message).toBe(
      `[framepipe] [sink:s3#radosgw] HeadBucket (healthcheck) in bucket "no-such-bucket-framepipe" at ${connection.endpoint} ` +
        "failed: the bucket does not exist (HTTP 404): create it, or check the bucket name and endpoint",
    );
  });

  it("fails create() naming an unknown access key, without printing credentials", async () => {
    const error = await createError({
      credentials: { accessKeyId: "FRAMEPIPE0UNKNOWN0KEY", secretAccessKey: "not-the-secret-0000" },
    });
    expect(error.message).toMatch(/access key id is not known to the server \(InvalidAccessKeyId, HTTP 403\)/);
    expect(error.message).toContain(`bucket "${bucket}" at ${connection.endpoint}`);
    expect(error.message).not.toContain("FRAMEPIPE0UNKNOWN0KEY");
    expect(error.message).not.toContain("not-the-secret-0000");
  });

  it("fails create() naming a wrong secret key (SigV4 is checked)", async () => {
    const error = await createError({
      credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: "wrong-secret-key-0000" },
    });
    expect(error.message).toMatch(
      /request signature does not match \(SignatureDoesNotMatch, HTTP 403\): check the secret access key/,
    );
    expect(error.message).not.toContain("wrong-secret-key-0000");
  });

  it("reports a wrong secret on write as a final (non-transient) error when the healthcheck is off", async () => {
    const sink = await createSink({
      healthcheck: false,
      credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: "wrong-secret-key-0000" },
    });
    const error = await Promise.resolve(sink.write(createTestFrame())).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isTransientError(error)).toBe(false);
    expect((error as Error).message).toMatch(/PutObject ".*" in bucket .* failed: .*SignatureDoesNotMatch/);
    await sink.close?.();
  });

  it("fails create() when the endpoint is unreachable", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const error = await createError({ endpoint });
    expect(error.message).toBe(
      `[framepipe] [sink:s3#radosgw] HeadBucket (healthcheck) in bucket "${bucket}" at ${endpoint} failed: ` +
        "the endpoint is unreachable (connection refused): is the server running, and are endpoint and port right?",
    );
  });
});

describe("s3 sink contract against Ceph radosgw", () => {
  const key = "contract/{recording.id}/{participant.id}/{type}/{seq}.{ext}";
  sinkContract({
    it,
    describe,
    expect,
    name: "sink contract (s3, radosgw)",
    definition: s3Sink,
    // Option validation only: `create` below adds the endpoint and bucket known after beforeAll.
    validOptions: { bucket: "contract", key },
    create: () => createSink({ key }),
    readBack: (frame) =>
      readObject(
        admin,
        bucket,
        `contract/${frame.recording.id}/${frame.participant.id}/${frame.type}/${String(frame.seq).padStart(6, "0")}.png`,
      ),
  });
});
