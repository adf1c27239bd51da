import "reflect-metadata";
import { container as rootContainer } from "tsyringe";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FramepipeError } from "../../src/errors/framepipe-error.js";
import { defineSink } from "../../src/plugin/define-plugin.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { coreServices } from "../../src/runtime/service-tokens.js";
import { createServiceRef } from "../../src/services/service-ref.js";
import { until } from "./support/deferred.js";
import { collectSink, memorySource } from "./support/plugins.js";
import { recordingLogger } from "./support/recording-logger.js";

// The object a YAML file would hold: plugins referenced by `type`, options flat.
function objectConfig(extra: Record<string, unknown> = {}) {
  return {
    version: 1,
    sources: { input: { type: "memory" } },
    transforms: { screens: { type: "filter", inputs: ["input"], types: ["screenshare"] } },
    sinks: { out: { type: "collect", inputs: ["screens"] } },
    api: { port: null },
    ...extra,
  };
}

describe("createPipeline with a plain config object", () => {
  it("validates it, resolves code-registered plugins and core built-ins, and runs", async () => {
    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(objectConfig(), { plugins: [source.definition, sink.definition] });
    await pipeline.start();
    source.handle.frames(3, { type: "webcam" });
    source.handle.frames(2, { type: "screenshare" });
    await until(() => sink.handle.frames.length === 2);
    const summary = await pipeline.stop();
    expect(sink.handle.frames.map((frame) => [frame.type, frame.seq])).toEqual([
      ["screenshare", 0],
      ["screenshare", 1],
    ]);
    expect(summary.dropped.filtered).toBe(3);
  });

  it("throws one error listing every problem of an invalid config", async () => {
    const source = memorySource();
    const sink = collectSink();
    const broken = objectConfig({ runtime: { queue: 0, overflow: "sideways" } });
    const error = await createPipeline(broken, { plugins: [source.definition, sink.definition] }).catch(
      (caught: unknown) => caught,
    );
    expect(FramepipeError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("runtime.queue");
    expect(message).toContain("runtime.overflow");
  });
});

describe("services and the composition root", () => {
  const greeting = createServiceRef<{ text: string }>({ id: "greeting" });
  function greetingSink(seen: string[]) {
    return defineSink({
      type: "greeter",
      summary: "records the greeting service it received",
      options: z.strictObject({}),
      deps: { greeting },
      create(_options, context) {
        seen.push(context.services.greeting.text);
        return { write: () => {} };
      },
    });
  }

  it("gives plugins plain values passed as services", async () => {
    const seen: string[] = [];
    const source = memorySource();
    const config = objectConfig({ transforms: {}, sinks: { out: { type: "greeter", inputs: ["input"] } } });
    const pipeline = await createPipeline(config, {
      plugins: [source.definition, greetingSink(seen)],
      services: { greeting: { text: "from services" } },
    });
    await pipeline.start();
    await pipeline.stop();
    expect(seen).toEqual(["from services"]);
  });

  it("resolves services and the logger from a host container without touching it", async () => {
    const seen: string[] = [];
    const host = rootContainer.createChildContainer();
    host.register("greeting", { useValue: { text: "from the host container" } });
    const logger = recordingLogger();
    host.register(coreServices.logger.id, { useValue: logger });
    const source = memorySource();
    const config = objectConfig({ transforms: {}, sinks: { out: { type: "greeter", inputs: ["input"] } } });
    const pipeline = await createPipeline(config, {
      plugins: [source.definition, greetingSink(seen)],
      container: host,
    });
    await pipeline.start();
    await pipeline.stop();
    expect(seen).toEqual(["from the host container"]);
    expect(logger.lines.length).toBeGreaterThan(0);
    // Core's registrations live in its own child container, never in the host's.
    expect(host.isRegistered(coreServices.metrics.id)).toBe(false);
    expect(rootContainer.isRegistered(coreServices.metrics.id)).toBe(false);
  });

  it("fails with a clear error naming the plugin and the service when a required service is missing", async () => {
    const source = memorySource();
    const config = objectConfig({ transforms: {}, sinks: { out: { type: "greeter", inputs: ["input"] } } });
    const error = await createPipeline(config, { plugins: [source.definition, greetingSink([])] }).catch(
      (caught: unknown) => caught,
    );
    expect(FramepipeError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/greeting/);
    expect((error as Error).message).toMatch(/sink:greeter#out/);
  });
});
