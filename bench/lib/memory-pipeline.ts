import { type AnyPluginDefinition, createPipeline, type IncomingFrame } from "@framepipe/core";
import { createMemorySource } from "@framepipe/testing";
import type { MeasuredPass } from "./compare-measured.js";
import { startWindow } from "./compare-measured.js";

/** What {@link runMemoryPipeline} builds between the `memory` source and the sink `out`. */
export interface MemoryPipelineSettings {
  readonly frames: readonly IncomingFrame[];
  /** Transforms in order, each `{ type, …options }`; the first reads the source, the sink reads the last. */
  readonly transforms?: ReadonlyArray<Record<string, unknown> & { readonly type: string }>;
  /** The sink `{ type, …options }`. */
  readonly sink: Record<string, unknown> & { readonly type: string };
  readonly runtime: Record<string, unknown>;
  readonly plugins: readonly AnyPluginDefinition[];
  /** Bytes to count per pass (for MB/s). */
  readonly bytes: number;
  /** Services for the plugins (`createPipeline(config, { services })`), e.g. an instrumented S3 client. */
  readonly services?: Readonly<Record<string, unknown>>;
}

/**
 * Builds a pipeline `memory source → transforms → sink` with `createPipeline`, then times it from
 * `start()` until it has drained and stopped (the source completes after the last frame). Plugin
 * creation (a sink's folder or bucket check) stays outside the window. Throws unless every frame
 * was written.
 */
export async function runMemoryPipeline(settings: MemoryPipelineSettings): Promise<MeasuredPass> {
  const source = createMemorySource(settings.frames);
  const transforms: Record<string, Record<string, unknown>> = {};
  let previous = "memory";
  (settings.transforms ?? []).forEach((transform, index) => {
    const id = `step${index + 1}`;
    transforms[id] = { ...transform, inputs: [previous] };
    previous = id;
  });
  const pipeline = await createPipeline(
    {
      version: 1,
      sources: { memory: { type: "memory" } },
      ...(Object.keys(transforms).length > 0 ? { transforms } : {}),
      sinks: { out: { ...settings.sink, inputs: [previous] } },
      runtime: settings.runtime,
      api: { port: null },
    },
    {
      plugins: [source.definition, ...settings.plugins],
      ...(settings.services ? { services: settings.services } : {}),
    },
  );
  const end = startWindow();
  await pipeline.start();
  const summary = await pipeline.done;
  const { seconds, cpuSeconds } = end();
  const written = summary.written.out ?? 0;
  if (written !== settings.frames.length) {
    throw new Error(
      `framepipe wrote ${written}/${settings.frames.length} (errors ${summary.errors}, dropped ${JSON.stringify(summary.dropped)})`,
    );
  }
  return { seconds, cpuSeconds, items: written, bytes: settings.bytes };
}

/** Runs `work` over `items` with at most `inFlight` calls at once (unordered), like a hand-written worker pool. */
export async function runWithParallelism<Item>(
  items: readonly Item[],
  inFlight: number,
  work: (item: Item, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, worker));
}
