import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { createRecordingContext, createTestContext } from "@framepipe/testing";
import { afterAll, describe, expect, it } from "vitest";
// The radosgw sink-s3's global setup started (this project reuses that setup), reached through its test support.
import { adminClient, createBucket, radosgw } from "../../sink-s3/test/support/radosgw.js";
import { createVideoSink, type VideoSinkOptionsInput, videoSinkOptions } from "../src/index.js";
import { readManifest } from "./support/ffprobe.js";
import { frameAt } from "./support/frames.js";
import { tempDir } from "./support/temp-dir.js";

const connection = radosgw();
const admin = adminClient(connection);
afterAll(() => admin.destroy());

function uploadTo(bucket: string, extra: Record<string, unknown> = {}) {
  return {
    bucket,
    endpoint: connection.endpoint,
    region: connection.region,
    credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey },
    ...extra,
  };
}

async function sinkIn(dir: string, options: Partial<VideoSinkOptionsInput>, context = createTestContext()) {
  return createVideoSink(videoSinkOptions.parse({ dir, ...options }), context);
}

async function objectBytes(bucket: string, key: string): Promise<Buffer> {
  const object = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
}

describe("video sink: upload of finished files to radosgw", () => {
  it("uploads every finished file under the key template; the objects match the manifest's sha256", async () => {
    const dir = await tempDir();
    const bucket = await createBucket(admin, "videos");
    const sink = await sinkIn(dir, {
      segment: "2s",
      upload: uploadTo(bucket, { key: "meetings/{recording.id}/{participant.id}-{type}-{segment}.{ext}" }),
    });
    for (const relative of [0, 0.5, 1, 1.5, 2, 2.5]) {
      await sink.write(frameAt(relative, { recordingId: "up" }));
      await sink.write(frameAt(relative, { recordingId: "up", type: "screenshare", width: 320, height: 180 }));
    }
    await sink.close?.();
    const lines = (await readManifest(dir, "up")) as unknown as Array<Record<string, unknown>>;
    const finished = lines.filter((line) => line.event === "finished");
    const uploaded = lines.filter((line) => line.event === "uploaded");
    expect(finished).toHaveLength(4);
    expect(uploaded.map((line) => line.key).sort()).toEqual([
      "meetings/up/100-screenshare-000.mp4",
      "meetings/up/100-screenshare-001.mp4",
      "meetings/up/100-webcam-000.mp4",
      "meetings/up/100-webcam-001.mp4",
    ]);
    for (const line of uploaded) {
      const file = finished.find((candidate) => candidate.file === line.file);
      const bytes = await objectBytes(bucket, String(line.key));
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(file?.sha256);
      expect(existsSync(join(dir, String(line.file)))).toBe(true);
    }
  });

  it("deleteAfterUpload removes the local file once uploaded; the key defaults to the file's path", async () => {
    const dir = await tempDir();
    const bucket = await createBucket(admin, "videos-delete");
    const sink = await sinkIn(dir, { upload: uploadTo(bucket, { deleteAfterUpload: true }) });
    for (const relative of [0, 0.5]) await sink.write(frameAt(relative, { recordingId: "gone" }));
    await sink.close?.();
    expect(existsSync(join(dir, "gone", "100-webcam.mp4"))).toBe(false);
    expect((await objectBytes(bucket, "gone/100-webcam.mp4")).length).toBeGreaterThan(0);
  });

  it("a bucket that does not exist: the upload fails for good, counted and logged, the file stays", async () => {
    const dir = await tempDir();
    const recording = createRecordingContext();
    const sink = await sinkIn(dir, { upload: uploadTo("no-such-bucket-framepipe-video") }, recording.context);
    await sink.write(frameAt(0, { recordingId: "missing" }));
    await sink.close?.();
    expect(recording.counters.get('video_sink_uploads_total{"outcome":"failed"}')).toBe(1);
    expect(recording.logs.filter((entry) => entry.message?.includes("upload failed"))).toHaveLength(1);
    expect(existsSync(join(dir, "missing", "100-webcam.mp4"))).toBe(true);
  });
});
