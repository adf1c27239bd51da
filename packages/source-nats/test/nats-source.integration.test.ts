import { createPipeline, type ParticipantEvent, type Pipeline, type VideoFrame } from "@framepipe/core";
import { partitionOf } from "@framepipe/sink-nats";
import { createCollectSink, createTestStream } from "@framepipe/testing";
import { connect } from "nats";
import { afterEach, describe, expect, it } from "vitest";
import natsSource from "../src/index.js";
import { type BusNames, busNames, publish, seqsByStream } from "./support/bus-pipelines.js";
import { natsServer } from "./support/nats-server.js";

const running: Pipeline[] = [];
afterEach(async () => {
  for (const pipeline of running.splice(0)) await pipeline.stop().catch(() => undefined);
});

/** A worker: nats source → collect sink. */
async function startWorker(target: BusNames, extra: Record<string, unknown> = {}) {
  const collect = createCollectSink();
  const pipeline = await createPipeline(
    {
      version: 1,
      sources: {
        bus: {
          type: "nats",
          servers: natsServer().url,
          stream: target.stream,
          subjectPrefix: target.subjectPrefix,
          durable: target.durable,
          ...extra,
        },
      },
      sinks: { out: { type: "collect", inputs: ["bus"] } },
    },
    { plugins: [natsSource, collect.definition] },
  );
  running.push(pipeline);
  await pipeline.start();
  return { collect, pipeline };
}

async function pendingOf(target: BusNames) {
  const admin = await connect({ servers: natsServer().url });
  try {
    const manager = await admin.jetstreamManager();
    // One partition: its consumer is <durable>-0.
    const info = await manager.consumers.info(target.stream, `${target.durable}-0`);
    const stream = await manager.streams.info(target.stream);
    return { ackPending: info.num_ack_pending, unprocessed: info.num_pending, stored: stream.state.messages };
  } finally {
    await admin.close();
  }
}

describe("nats source against a real nats-server", () => {
  it("delivers every frame published by the nats sink once, in order per stream, with its fields", async () => {
    const target = busNames();
    const frames = createTestStream({ participants: 3, types: ["webcam", "screenshare"], frames: 20 });
    await publish(frames, target);
    const { collect, pipeline } = await startWorker(target);
    await collect.waitFor(frames.length);
    expect(seqsByStream(collect.frames)).toEqual(seqsByStream(frames));
    const first = collect.frames.find((frame) => frame.participant.id === frames[0]?.participant.id);
    expect(first?.participant.name).toBe(frames[0]?.participant.name);
    expect(first?.image.data.equals(frames[0]?.image.data ?? Buffer.alloc(0))).toBe(true);
    // Every message acknowledged (frames after the sink wrote them, end markers once passed on):
    // the work queue is empty.
    await expect
      .poll(() => pendingOf(target), { timeout: 10_000 })
      .toEqual({ ackPending: 0, unprocessed: 0, stored: 0 });
    await pipeline.stop();
  });

  it("acknowledges a frame only once the sink finished it: frames a stopped worker held go to the next one", async () => {
    const target = busNames();
    const frames = createTestStream({ participants: 1, frames: 3 });
    await publish(frames, target);
    // A worker whose sink never finishes: the frames stay unacknowledged.
    const stuck = createCollectSink({ beforeWrite: () => new Promise(() => undefined) });
    const first = await createPipeline(
      {
        version: 1,
        sources: {
          bus: { type: "nats", servers: natsServer().url, ...target, ackWait: "1s" },
        },
        sinks: { out: { type: "collect", inputs: ["bus"] } },
        runtime: { shutdownTimeout: "200ms" },
      },
      { plugins: [natsSource, stuck.definition] },
    );
    await first.start();
    await expect.poll(() => pendingOf(target).then((state) => state.ackPending)).toBeGreaterThan(0);
    expect((await pendingOf(target)).stored).toBe(3);
    // The worker goes away without acknowledging (a forced stop drops the held frames).
    await first.stop();
    const { collect } = await startWorker(target, { ackWait: "1s" });
    await collect.waitFor(frames.length);
    expect(seqsByStream(collect.frames)).toEqual(seqsByStream(frames));
  });

  it("turns a participant's leave on the ingest node into a leave on the worker, after the frames", async () => {
    const target = busNames();
    const frames = createTestStream({ participants: 1, frames: 4 });
    const last = frames.at(-1) as VideoFrame;
    const leave: ParticipantEvent = {
      kind: "participant",
      event: "participant_events.leave",
      action: "leave",
      recording: last.recording,
      bot: last.bot,
      realtimeEndpoint: last.realtimeEndpoint,
      participant: last.participant,
      timestamp: { relative: null, absolute: null },
      chat: null,
      receivedAt: performance.now(),
    };
    await publish([...frames, leave], target);
    const { collect } = await startWorker(target);
    await collect.waitUntil(() => collect.endedGroups.length > 0, { description: "the group ended" });
    expect(collect.frames.map((frame) => frame.seq)).toEqual([0, 1, 2, 3]);
    expect(collect.endedGroups).toEqual([
      expect.objectContaining({ recordingId: last.recording.id, participantId: last.participant.id, reason: "leave" }),
    ]);
  });

  it("two workers with disjoint partitions: each participant whole on one worker, every frame once, in order", async () => {
    const target = busNames();
    const frames = createTestStream({ participants: 12, types: ["webcam", "screenshare"], frames: 6 });
    await publish(frames, target, 4);
    const a = await startWorker(target, { partitions: 4, assigned: [0, 1] });
    const b = await startWorker(target, { partitions: 4, assigned: [2, 3] });
    // Each collect sink wakes only on its own writes: poll the sum.
    await expect.poll(() => a.collect.frames.length + b.collect.frames.length, { timeout: 15_000 }).toBe(frames.length);
    const participantsOf = (written: readonly VideoFrame[]) => new Set(written.map((frame) => frame.participant.id));
    const onA = participantsOf(a.collect.frames);
    const onB = participantsOf(b.collect.frames);
    expect(onA.size).toBeGreaterThan(0);
    expect(onB.size).toBeGreaterThan(0);
    expect([...onA].filter((participant) => onB.has(participant))).toEqual([]);
    for (const participant of onA) {
      expect(partitionOf(frames[0]?.recording.id ?? "", participant, 4)).toBeLessThan(2);
    }
    expect(seqsByStream([...a.collect.frames, ...b.collect.frames])).toEqual(seqsByStream(frames));
  });
});
