import { randomUUID } from "node:crypto";
import { withSeq } from "@framepipe/core";
import { type FrameIdentity, sinkContract } from "@framepipe/testing";
import { connect, type NatsConnection, type StoredMsg } from "nats";
import { afterAll, describe, expect, it } from "vitest";
import { decodeMessage, frameMessageId, Header } from "../src/frame-message.js";
import natsSink from "../src/index.js";
import { natsServer } from "./support/nats-server.js";

// The contract against the real nats-server: every instance publishes to one stream, read back
// with direct gets (in stream order, so `delivered` shows the order JetStream stored).
const stream = `CONTRACT_${randomUUID().slice(0, 8)}`;
const subjectPrefix = `contract${randomUUID().slice(0, 8)}`;
let admin: NatsConnection | undefined;

async function stored(): Promise<StoredMsg[]> {
  admin ??= await connect({ servers: natsServer().url });
  const manager = await admin.jetstreamManager();
  const { state } = await manager.streams.info(stream);
  const messages: StoredMsg[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq += 1) {
    messages.push(await manager.streams.getMessage(stream, { seq }));
  }
  return messages;
}

afterAll(async () => {
  await admin?.close();
});

sinkContract({
  it,
  describe,
  expect,
  name: "sink contract (nats, real nats-server)",
  definition: natsSink,
  create: async () => {
    const options = natsSink.options.parse({ servers: natsServer().url, stream, subjectPrefix });
    const { createTestContext } = await import("@framepipe/testing");
    return natsSink.create(options, createTestContext({ kind: "sink", type: "nats", componentId: "contract" }));
  },
  readBack: async (frame) => {
    const id = frameMessageId(frame);
    const message = (await stored()).find((candidate) => candidate.header.get(Header.msgId) === id);
    return message === undefined ? null : Buffer.from(message.data);
  },
  delivered: async () => {
    const frames: FrameIdentity[] = [];
    for (const message of await stored()) {
      const decoded = decodeMessage(message.header, message.data, 0);
      if (decoded.kind === "frame") frames.push(withSeq(decoded.frame, decoded.frame.seq));
    }
    return frames;
  },
});
