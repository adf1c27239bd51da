import { isTransientError } from "@framepipe/core";
import { createTestStream } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { FakeS3Client, s3ServiceError } from "./support/fake-s3-client.js";
import { createFakeSink } from "./support/fake-sink.js";

/** Writes every frame in order, as the runtime does per stream, then closes the sink. */
async function writeAll(client: FakeS3Client, frames: ReturnType<typeof createTestStream>, settings = {}) {
  const { sink } = await createFakeSink({ healthcheck: false, ...settings }, client);
  for (const frame of frames) await sink.write(frame);
  await sink.close();
}

const keysOf = (client: FakeS3Client) => [...client.objects.keys()].sort();

describe("s3 sink: a restart in the middle of a recording", () => {
  it("continues each stream's numbering after the objects an earlier run stored, replacing none", async () => {
    const client = new FakeS3Client();
    const first = createTestStream({ participants: 2, frames: 5 });
    await writeAll(client, first);
    const firstBodies = new Map([...client.objects].map(([key, object]) => [key, object.body]));
    const putsBefore = client.callsOf("PutObjectCommand").length;

    // The restarted run: ingest numbers every stream from 0 again.
    const second = createTestStream({ participants: 2, frames: 3 });
    await writeAll(client, second);

    expect(keysOf(client)).toHaveLength(16);
    for (const [key, body] of firstBodies) expect(client.objects.get(key)?.body).toBe(body);
    const secondKeys = client
      .callsOf("PutObjectCommand")
      .slice(putsBefore)
      .map((call) => call.input.Key);
    const firstParticipant = `/${second[0]!.participant.id}-webcam/`;
    expect(secondKeys.filter((key) => String(key).includes(firstParticipant))).toEqual([
      expect.stringMatching(/\/000005\.png$/),
      expect.stringMatching(/\/000006\.png$/),
      expect.stringMatching(/\/000007\.png$/),
    ]);
    // One check per stream's first frame, then a probe of O(log N) keys; later frames ask nothing.
    const heads = client.callsOf("HeadObjectCommand").length;
    expect(heads).toBeGreaterThan(2);
    expect(heads).toBeLessThanOrEqual(2 * (1 + 2 * Math.ceil(Math.log2(5)) + 2) + 2);
  });

  it("asks once per stream when nothing was stored before, and never again for that stream", async () => {
    const client = new FakeS3Client();
    await writeAll(client, createTestStream({ participants: 3, types: ["webcam", "screenshare"], frames: 4 }));
    expect(client.callsOf("HeadObjectCommand")).toHaveLength(6);
    expect(client.objects.size).toBe(24);
  });

  it("overwrite: true replaces the earlier run's objects without asking", async () => {
    const client = new FakeS3Client();
    await writeAll(client, createTestStream({ participants: 1, frames: 4 }), { overwrite: true });
    await writeAll(client, createTestStream({ participants: 1, frames: 2 }), { overwrite: true });
    expect(client.objects.size).toBe(4);
    expect(client.callsOf("HeadObjectCommand")).toHaveLength(0);
  });

  it("a key template without {seq} is left as it is: no checks", async () => {
    const client = new FakeS3Client();
    await writeAll(client, createTestStream({ participants: 1, frames: 2 }), {
      key: "{recording.id}/{participant.id}-{type}/{timestamp.relative}.{ext}",
    });
    expect(client.callsOf("HeadObjectCommand")).toHaveLength(0);
  });

  it("a failing check fails the write as transient (the runtime retries it), naming HeadObject; the next attempt stores the frame", async () => {
    const client = new FakeS3Client();
    client.beforeSend = (call) => {
      if (call.command === "HeadObjectCommand")
        throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    };
    const { sink } = await createFakeSink({ healthcheck: false }, client);
    const [frame] = createTestStream({ participants: 1, frames: 1 });
    const error = await sink.write(frame!).then(
      () => null,
      (caught: unknown) => caught as Error,
    );
    expect(error?.message).toMatch(/HeadObject ".*\/000000\.png"/);
    expect(isTransientError(error)).toBe(true);
    expect(client.objects.size).toBe(0);
    client.beforeSend = undefined;
    await sink.write(frame!);
    expect(client.objects.size).toBe(1);
    await sink.close();
  });

  it("with write-only credentials (HeadObject denied) writes anyway and stops checking", async () => {
    const client = new FakeS3Client();
    client.beforeSend = (call) => {
      if (call.command === "HeadObjectCommand") throw s3ServiceError("Forbidden", 403);
    };
    await writeAll(client, createTestStream({ participants: 2, frames: 3 }));
    expect(client.objects.size).toBe(6);
    expect(client.callsOf("HeadObjectCommand")).toHaveLength(1);
  });
});
