import { randomUUID } from "node:crypto";
import { createPipeline, type Pipeline, type VideoFrame } from "@framepipe/core";
import natsSink from "@framepipe/sink-nats";
import { createMemorySource, type MemorySourceInput } from "@framepipe/testing";
import { natsServer } from "./nats-server.js";

/** A stream, subject prefix and pool (durable) of a test's own, so tests never see each other's messages. */
export interface BusNames {
  readonly stream: string;
  readonly subjectPrefix: string;
  readonly durable: string;
}

/** Fresh {@link BusNames}, the stream's name starting with `prefix`. */
export function busNames(prefix = "S"): BusNames {
  const id = randomUUID().slice(0, 8);
  return { stream: `${prefix}_${id}`, subjectPrefix: `s${id}.frames`, durable: `w_${id}` };
}

/** An ingest pipeline (memory source → nats sink) on the project's nats-server. */
async function ingestPipeline(
  frames: MemorySourceInput[],
  target: BusNames,
  partitions: number,
  complete: "when-drained" | "on-stop",
) {
  const source = createMemorySource(frames, { complete });
  const { stream, subjectPrefix } = target;
  const pipeline = await createPipeline(
    {
      version: 1,
      sources: { memory: { type: "memory" } },
      sinks: {
        bus: { type: "nats", inputs: ["memory"], servers: natsServer().url, stream, subjectPrefix, partitions },
      },
    },
    { plugins: [source.definition, natsSink] },
  );
  await pipeline.start();
  return { source, pipeline };
}

/**
 * Publishes `frames` (and events) as an ingest node would, and resolves once every frame was
 * acknowledged by JetStream. With no frames, it only creates the stream, as an ingest node's start.
 */
export async function publish(frames: MemorySourceInput[], target: BusNames, partitions = 1): Promise<void> {
  const { pipeline } = await ingestPipeline(frames, target, partitions, "when-drained");
  const summary = await pipeline.done;
  const frameCount = frames.filter((input) => !("kind" in input)).length;
  if (summary.written.bus !== frameCount) {
    throw new Error(`published ${summary.written.bus ?? 0} of ${frameCount} frames`);
  }
}

/** An ingest pipeline that stays open: push frames to its `source`; stop its `pipeline` at the end. */
export function startIngest(
  target: BusNames,
  partitions = 1,
): Promise<{ source: ReturnType<typeof createMemorySource>; pipeline: Pipeline }> {
  return ingestPipeline([], target, partitions, "on-stop");
}

/** Each stream's seqs in the order they were written, by `recording#participant#type`. */
export function seqsByStream(frames: readonly VideoFrame[]): Record<string, number[]> {
  const byStream: Record<string, number[]> = {};
  for (const frame of frames) {
    const key = `${frame.recording.id}#${frame.participant.id}#${frame.type}`;
    byStream[key] = [...(byStream[key] ?? []), frame.seq];
  }
  return byStream;
}
