import type { Observable } from "rxjs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FramepipeError } from "../../src/errors/framepipe-error.js";
import { defineSink, defineTransform } from "../../src/plugin/define-plugin.js";
import type { PluginContext } from "../../src/plugin/plugin-context.js";
import type { RecallEvent, UnknownEvent } from "../../src/recall/recall-event.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { createServiceRef } from "../../src/services/service-ref.js";
import { component, pipelineConfig } from "./support/config.js";
import { frameEvent, participantEvent } from "./support/events.js";
import { collectSink, mapTransform, memorySource } from "./support/plugins.js";
import { recordingLogger } from "./support/recording-logger.js";

const storeRef = createServiceRef<Map<string, number>>({ id: "acme.store" });
const tracerRef = createServiceRef<{ trace(): void }>({ id: "acme.tracer", optional: true });

function storeSink(seen: PluginContext[]) {
  return defineSink({
    type: "store",
    summary: "writes into a host-provided map",
    options: z.strictObject({ prefix: z.string() }),
    deps: { store: storeRef, tracer: tracerRef },
    create(options, context) {
      seen.push(context as unknown as PluginContext);
      return {
        write(frame) {
          context.services.store.set(`${options.prefix}${frame.seq}`, frame.image.data.length);
        },
      };
    },
  });
}

describe("createPipeline", () => {
  it("gives each plugin its context: id, kind, label, error, a bound child logger, metrics, signal and services", async () => {
    const seen: PluginContext[] = [];
    const store = new Map<string, number>();
    const logger = recordingLogger();
    const source = memorySource();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("disk", storeSink(seen), ["src"], { options: { prefix: "f" } })],
      }),
      { services: { "acme.store": store }, logger },
    );
    const context = seen[0]!;
    expect(context.componentId).toBe("disk");
    expect(context.kind).toBe("sink");
    expect(context.label).toBe("sink:store#disk");
    expect(context.error("refused", { stage: "write" }).message).toBe("[framepipe] [sink:store#disk] refused");
    expect(context.services).toEqual({ store, tracer: undefined });
    expect(context.signal.aborted).toBe(false);
    context.logger.info({ detail: 1 }, "hello");
    expect(logger.lines.at(-1)).toMatchObject({ bindings: { component: "sink:store#disk" }, message: "hello" });
    expect(typeof context.metrics.counter).toBe("function");
    expect(source.handle.context?.kind).toBe("source");

    await pipeline.start();
    source.handle.frames(2, { bytes: 12 });
    await pipeline.stop();
    expect([...store]).toEqual([
      ["f0", 12],
      ["f1", 12],
    ]);
    expect(context.signal.aborted).toBe(true);
  });

  it("names the plugin and the service id when a required service is missing, closing what it created", async () => {
    const log: string[] = [];
    const source = memorySource({ log });
    const failure = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("disk", storeSink([]), ["src"], { options: { prefix: "f" } })],
      }),
    ).catch((error: unknown) => error);
    expect(FramepipeError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ code: "INVALID_ARGUMENT", component: "sink:store#disk", stage: "create" });
    expect((failure as Error).message).toContain('"acme.store"');
    expect(log).toEqual(["src:stop"]);
  });

  it("wraps a failing create() and rejects instances that do not fit their kind", async () => {
    const source = memorySource();
    const throwing = defineTransform({
      type: "throwing",
      summary: "fails",
      options: z.strictObject({}),
      create() {
        throw new Error("no GPU");
      },
    });
    await expect(
      createPipeline(
        pipelineConfig({
          sources: [component("src", source.definition)],
          transforms: [component("gpu", throwing, ["src"])],
          sinks: [component("out", collectSink().definition, ["gpu"])],
        }),
      ),
    ).rejects.toMatchObject({
      component: "transform:throwing#gpu",
      stage: "create",
      message: "[framepipe] [transform:throwing#gpu] create failed: no GPU",
    });
    const shapeless = defineSink({
      type: "shapeless",
      summary: "no write",
      options: z.strictObject({}),
      create: () => ({}) as never,
    });
    await expect(
      createPipeline(
        pipelineConfig({
          sources: [component("src", memorySource().definition)],
          sinks: [component("out", shapeless, ["src"])],
        }),
      ),
    ).rejects.toMatchObject({ code: "PLUGIN_INVALID", component: "sink:shapeless#out" });
  });

  it("rejects graphs with unknown inputs or cycles, and invalid runtime settings", async () => {
    const sink = collectSink().definition;
    await expect(
      createPipeline(
        pipelineConfig({
          sources: [component("src", memorySource().definition)],
          sinks: [component("out", sink, ["nope"])],
        }),
      ),
    ).rejects.toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining('"nope"') });
    await expect(
      createPipeline(
        pipelineConfig({
          sources: [component("src", memorySource().definition)],
          transforms: [
            component(
              "a",
              mapTransform((frame) => frame),
              ["src", "b"],
            ),
            component(
              "b",
              mapTransform((frame) => frame),
              ["a"],
            ),
          ],
          sinks: [component("out", sink, ["b"])],
        }),
      ),
    ).rejects.toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("cycle") });
    await expect(
      createPipeline(
        pipelineConfig({
          sources: [component("src", memorySource().definition)],
          sinks: [component("out", sink, ["src"])],
          runtime: { concurrency: 0, queue: 1.5 },
        }),
      ),
    ).rejects.toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("runtime.concurrency") });
  });
});

describe("events$", () => {
  it("passes every event on, frames with their seq, and counts the others without processing them", async () => {
    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
      }),
    );
    const events: RecallEvent[] = [];
    (pipeline.events$ as Observable<RecallEvent>).subscribe((event) => events.push(event));
    await pipeline.start();
    const unknown: UnknownEvent = {
      kind: "unknown",
      event: "participant_event.join",
      context: null,
      raw: {},
      receivedAt: 0,
    };
    source.handle.emit(participantEvent("join", { name: "Ada" }));
    source.handle.emit(frameEvent());
    source.handle.emit(unknown);
    source.handle.emit(frameEvent());
    await pipeline.stop();
    expect(events.map((event) => event.kind)).toEqual(["participant", "video-frame", "unknown", "video-frame"]);
    const frames = events.flatMap((event) => (event.kind === "video-frame" ? [event.frame] : []));
    expect(frames.map((frame) => (frame as { seq?: number }).seq)).toEqual([0, 1]);
    expect(frames[0]?.participant.name).toBe("Ada");
    expect(frames[0]).toBe(sink.handle.frames[0]);
    expect(pipeline.stats().events).toEqual({ participant: 1, "video-frame": 2, unknown: 1 });
    expect(pipeline.stats().errors).toBe(0);
  });

  it("warns once per unknown event name and source, suggesting the real name of a misspelt one", async () => {
    const source = memorySource();
    const logger = recordingLogger();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", collectSink().definition, ["src"])],
      }),
      { logger },
    );
    await pipeline.start();
    const unknown = (event: string): UnknownEvent => ({
      kind: "unknown",
      event,
      context: null,
      raw: {},
      receivedAt: 0,
    });
    source.handle.emit(unknown("participant_event.join"));
    source.handle.emit(unknown("participant_event.join"));
    source.handle.emit(unknown("bot.status_change"));
    for (let index = 0; index < 100; index += 1) source.handle.emit(unknown(`hostile.${index}`));
    await pipeline.stop();
    const warnings = logger.lines.filter(
      (line) => line.level === "warn" && line.message?.includes("unknown Recall event"),
    );
    expect(warnings[0]).toMatchObject({
      bindings: { component: "source:memory#src" },
      object: { event: "participant_event.join", didYouMean: "participant_events.join" },
    });
    expect(warnings[1]?.object).toEqual({ event: "bot.status_change" });
    // Bounded per source, whatever a client sends.
    expect(warnings).toHaveLength(32);
    expect(pipeline.stats().events.unknown).toBe(103);
  });

  it("counts a source error as a receive error and keeps the other sources going", async () => {
    const failing = memorySource();
    const healthy = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("failing", failing.definition), component("healthy", healthy.definition)],
        sinks: [component("out", sink.definition, ["failing", "healthy"])],
      }),
    );
    await pipeline.start();
    failing.handle.fail(new Error("socket exploded"));
    healthy.handle.frames(2);
    expect(pipeline.state).toBe("running");
    const summary = await pipeline.stop();
    expect(summary.written).toEqual({ out: 2 });
    expect(pipeline.stats().components.failing?.errors).toEqual({ receive: 1 });
  });
});
