import { createPipeline, type Pipeline, type VideoFrame } from "@framepipe/core";
import { partitionOf } from "@framepipe/sink-nats";
import { createCollectSink, createTestStream } from "@framepipe/testing";
import { connect } from "nats";
import { afterEach, describe, expect, it } from "vitest";
import natsSource from "../src/index.js";
import { type BusNames, busNames, publish, seqsByStream, startIngest } from "./support/bus-pipelines.js";
import { natsServer } from "./support/nats-server.js";

// Automatic partition ownership: workers sharing a durable share the partitions through leases in
// a JetStream key-value bucket, against the real nats-server the project's setup starts.
const partitions = 4;
const running: Pipeline[] = [];
afterEach(async () => {
  for (const pipeline of running.splice(0)) await pipeline.stop().catch(() => undefined);
});

/** The ingest side starting first: its nats sink creates the stream (workers wait for it). */
async function createStream(target: BusNames): Promise<void> {
  await publish([], target, partitions);
}

async function startWorker(target: BusNames, beforeWrite?: (frame: VideoFrame) => Promise<void>) {
  const collect = createCollectSink(beforeWrite ? { beforeWrite } : {});
  const pipeline = await createPipeline(
    {
      version: 1,
      sources: { bus: { type: "nats", servers: natsServer().url, ...target, partitions, leaseTtl: "2s" } },
      sinks: { out: { type: "collect", inputs: ["bus"] } },
    },
    { plugins: [natsSource, collect.definition] },
  );
  running.push(pipeline);
  await pipeline.start();
  return { collect, pipeline };
}

/** Partition → owner's worker id, as the lease bucket says. */
async function owners(target: BusNames): Promise<Map<number, string>> {
  const admin = await connect({ servers: natsServer().url });
  try {
    const kv = await admin.jetstream().views.kv(`${target.durable}-leases`);
    const result = new Map<number, string>();
    for (let partition = 0; partition < partitions; partition += 1) {
      const entry = await kv.get(`partitions.${partition}`);
      if (entry !== null && entry.operation === "PUT") result.set(partition, entry.string());
    }
    return result;
  } finally {
    await admin.close();
  }
}

/** How many partitions each owner holds, sorted, e.g. [2, 2]. */
async function shares(target: BusNames): Promise<number[]> {
  const counts = new Map<string, number>();
  for (const owner of (await owners(target)).values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return [...counts.values()].sort();
}

describe("partition leases against a real nats-server", () => {
  it("two workers share the partitions: half each, each participant whole on one worker, every frame once, in order", async () => {
    const target = busNames("L");
    await createStream(target);
    const a = await startWorker(target);
    await expect.poll(() => shares(target), { timeout: 10_000 }).toEqual([4]);
    const b = await startWorker(target);
    // The first worker gives two partitions back; the second claims them.
    await expect.poll(() => shares(target), { timeout: 15_000 }).toEqual([2, 2]);
    const frames = createTestStream({ participants: 12, types: ["webcam", "screenshare"], frames: 6 });
    await publish(frames, target, partitions);
    await expect.poll(() => a.collect.frames.length + b.collect.frames.length, { timeout: 15_000 }).toBe(frames.length);

    const owner = await owners(target);
    const participantsOf = (written: readonly VideoFrame[]) => new Set(written.map((frame) => frame.participant.id));
    const onA = participantsOf(a.collect.frames);
    const onB = participantsOf(b.collect.frames);
    expect(onA.size).toBeGreaterThan(0);
    expect(onB.size).toBeGreaterThan(0);
    expect([...onA].filter((participant) => onB.has(participant))).toEqual([]);
    // Every participant was processed by the owner of its partition.
    const recordingId = frames[0]?.recording.id ?? "";
    const ownersOf = (participants: Set<number>) =>
      new Set([...participants].map((participant) => owner.get(partitionOf(recordingId, participant, partitions))));
    expect(ownersOf(onA).size).toBe(1);
    expect(ownersOf(onB).size).toBe(1);
    expect(seqsByStream([...a.collect.frames, ...b.collect.frames])).toEqual(seqsByStream(frames));
  });

  it("a worker that joins mid-stream gets its share after the other drained it: nothing lost, repeated or reordered", async () => {
    const target = busNames("L");
    await createStream(target);
    const frames = createTestStream({ participants: 8, frames: 10 });
    const firstHalf = frames.filter((frame) => frame.seq < 5);
    const secondHalf = frames.filter((frame) => frame.seq >= 5);
    const a = await startWorker(target);
    await expect.poll(() => shares(target), { timeout: 10_000 }).toEqual([4]);
    // One ingest pipeline for the whole meeting: its groups stay open between the halves.
    const ingest = await startIngest(target, partitions);
    running.push(ingest.pipeline);
    ingest.source.push(...firstHalf);
    await a.collect.waitFor(firstHalf.length);
    const b = await startWorker(target);
    await expect.poll(() => shares(target), { timeout: 15_000 }).toEqual([2, 2]);
    ingest.source.push(...secondHalf);
    await expect.poll(() => a.collect.frames.length + b.collect.frames.length, { timeout: 15_000 }).toBe(frames.length);

    // Per stream: the first worker's frames, then the second's, make the whole stream in order.
    expect(seqsByStream([...a.collect.frames, ...b.collect.frames])).toEqual(seqsByStream(frames));
    // The participants that moved were ended on the first worker (its sinks finalised them).
    const moved = new Set(b.collect.frames.map((frame) => frame.participant.id));
    expect(moved.size).toBeGreaterThan(0);
    const endedOnA = new Set(a.collect.endedGroups.map((group) => group.participantId));
    for (const participant of moved) expect(endedOnA.has(participant)).toBe(true);
  });

  it("a stopping worker gives its partitions back at once: the other takes them without waiting for the TTL", async () => {
    const target = busNames("L");
    await createStream(target);
    const a = await startWorker(target);
    const b = await startWorker(target);
    await expect.poll(() => shares(target), { timeout: 15_000 }).toEqual([2, 2]);
    await a.pipeline.stop();
    // leaseTtl is 2 s; a renewal round is 0.5 s: the takeover follows the stop, not the expiry.
    await expect.poll(() => shares(target), { timeout: 15_000 }).toEqual([4]);
    const frames = createTestStream({ participants: 6, frames: 4 });
    await publish(frames, target, partitions);
    await b.collect.waitFor(frames.length);
    expect(seqsByStream(b.collect.frames)).toEqual(seqsByStream(frames));
  });
});
