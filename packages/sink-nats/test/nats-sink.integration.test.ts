import { randomBytes, randomUUID } from "node:crypto";
import { withSeq } from "@framepipe/core";
import { createTestContext, createTestFrame } from "@framepipe/testing";
import { connect, type NatsConnection, type StoredMsg } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeMessage, Header } from "../src/frame-message.js";
import natsSink from "../src/index.js";
import { natsServer } from "./support/nats-server.js";

let admin: NatsConnection;

beforeAll(async () => {
  admin = await connect({ servers: natsServer().url });
});
afterAll(async () => {
  await admin?.close();
});

/** A sink on a stream and prefix of its own, so tests never see each other's messages. */
async function createSink(extra: Record<string, unknown> = {}) {
  const id = randomUUID().slice(0, 8);
  const stream = `T_${id}`;
  const subjectPrefix = `t${id}.frames`;
  const options = natsSink.options.parse({ servers: natsServer().url, stream, subjectPrefix, ...extra });
  const sink = await natsSink.create(options, createTestContext({ kind: "sink", type: "nats", componentId: "nats" }));
  return { sink, stream, subjectPrefix };
}

/** Every message of a stream, in stream order (direct gets: a work-queue stream allows no ordered consumer). */
async function readStream(stream: string): Promise<StoredMsg[]> {
  const manager = await admin.jetstreamManager();
  const { state } = await manager.streams.info(stream);
  const messages: StoredMsg[] = [];
  if (state.messages === 0) return messages;
  for (let seq = state.first_seq; seq <= state.last_seq; seq += 1) {
    messages.push(await manager.streams.getMessage(stream, { seq }));
  }
  return messages;
}

describe("nats sink against a real nats-server", () => {
  it("creates its stream and publishes a 2 MB frame with the image as the body and the fields as headers", async () => {
    const { sink, stream, subjectPrefix } = await createSink();
    const data = randomBytes(2 * 1024 * 1024);
    const frame = createTestFrame({
      recording: { id: "rec.1" },
      participant: { id: 5, name: "Zoë Ω" },
      seq: 3,
      image: { data, format: "png", width: 1280, height: 720 },
    });
    await sink.write(frame);
    await sink.close?.();
    const [message, ...rest] = await readStream(stream);
    expect(rest).toEqual([]);
    expect(message?.subject).toMatch(
      new RegExp(`^${subjectPrefix.replace(".", "\\.")}\\.0\\.rec_1~[0-9a-f]{8}\\.5\\.webcam$`),
    );
    expect(Buffer.from(message?.data ?? []).equals(data)).toBe(true);
    expect(message?.header.get(Header.seq)).toBe("3");
    expect(message?.header.get(Header.msgId)).not.toBe("");
    const decoded = decodeMessage(message?.header, message?.data ?? new Uint8Array(0), 0);
    expect(decoded.kind === "frame" && withSeq(decoded.frame, decoded.frame.seq)).toMatchObject({
      recording: { id: "rec.1" },
      participant: { id: 5, name: "Zoë Ω" },
      seq: 3,
      image: { format: "png", width: 1280, height: 720 },
    });
  });

  it("stores a frame published twice once (Nats-Msg-Id deduplication)", async () => {
    const { sink, stream } = await createSink();
    const frame = createTestFrame({ seq: 0 });
    await sink.write(frame);
    await sink.write(frame);
    await sink.write(createTestFrame({ seq: 1 }));
    await sink.close?.();
    const messages = await readStream(stream);
    expect(messages.map((message) => message.header.get(Header.seq))).toEqual(["0", "1"]);
  });

  it("publishes stream and group ends after the frames, on the participant's subjects", async () => {
    const { sink, stream, subjectPrefix } = await createSink();
    const frame = createTestFrame({ recording: { id: "rec_2" }, participant: { id: 9 }, seq: 0 });
    await sink.write(frame);
    await sink.endStream?.({ key: "k", groupKey: "g", recordingId: "rec_2", participantId: 9, type: "webcam" });
    await sink.endGroup?.({ key: "g", recordingId: "rec_2", participantId: 9, reason: "leave" });
    await sink.close?.();
    const messages = await readStream(stream);
    expect(messages.map((message) => [message.subject, message.header.get(Header.kind)])).toEqual([
      [`${subjectPrefix}.0.rec_2.9.webcam`, "frame"],
      [`${subjectPrefix}.0.rec_2.9.webcam`, "stream-end"],
      [`${subjectPrefix}.0.rec_2.9.group`, "group-end"],
    ]);
    expect(messages[2]?.header.get(Header.reason)).toBe("leave");
  });

  it("refuses a frame larger than the server's max_payload, for good, with a clear message", async () => {
    const { sink } = await createSink();
    const frame = createTestFrame({ image: { data: Buffer.alloc(9 * 1024 * 1024), width: 1, height: 1 } });
    await expect(Promise.resolve(sink.write(frame))).rejects.toThrow(/max_payload/);
    await sink.close?.();
  });

  it("creates its stream with the storage and replicas configured: file and 1 by default, memory on request", async () => {
    const manager = await admin.jetstreamManager();
    const byDefault = await createSink();
    const inMemory = await createSink({ storage: "memory" });
    const configOf = async (stream: string) => (await manager.streams.info(stream)).config;
    expect(await configOf(byDefault.stream)).toMatchObject({ storage: "file", num_replicas: 1 });
    expect(await configOf(inMemory.stream)).toMatchObject({ storage: "memory", num_replicas: 1 });
    await byDefault.sink.close?.();
    await inMemory.sink.close?.();
    // More replicas than this one-server "cluster" has: refused at start, with the server's reason.
    await expect(createSink({ replicas: 3 })).rejects.toThrow(/replicas/i);
  });

  it("fails at start when the stream is missing and createStream is false", async () => {
    await expect(createSink({ createStream: false })).rejects.toThrow(/does not exist and createStream is false/);
  });

  it("makes a failed publish transient, so the runtime retries it (stream full)", async () => {
    const { sink } = await createSink({ maxBytes: "64KiB" });
    await sink.write(createTestFrame({ seq: 0, image: { data: randomBytes(40_000), width: 1, height: 1 } }));
    const error = await Promise.resolve(
      sink.write(createTestFrame({ seq: 1, image: { data: randomBytes(40_000), width: 1, height: 1 } })),
    ).catch((failure: unknown) => failure);
    const { isTransientError } = await import("@framepipe/core/plugin");
    expect(error).toBeInstanceOf(Error);
    expect(isTransientError(error)).toBe(true);
    await sink.close?.();
  });
});
