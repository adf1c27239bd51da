import { Subject } from "rxjs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineSource } from "../../src/plugin/define-plugin.js";
import type { PluginContext } from "../../src/plugin/plugin-context.js";
import type { RecallEvent } from "../../src/recall/recall-event.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { component, pipelineConfig } from "./support/config.js";
import { collectSink } from "./support/plugins.js";

/** A source that hands out its context, so the test can report its health through it. */
function upstreamSource() {
  const contexts: PluginContext[] = [];
  const definition = defineSource({
    type: "upstream",
    summary: "a source whose health the test reports",
    options: z.strictObject({}),
    create: (_options, context) => {
      contexts.push(context);
      return { events$: new Subject<RecallEvent>() };
    },
  });
  return { definition, contexts };
}

describe("a component's own health report", () => {
  it("names a source in stats().failing from failing() until recovered(), as for a failing sink", async () => {
    const source = upstreamSource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("bus", source.definition)],
        sinks: [component("out", sink.definition, ["bus"])],
      }),
    );
    await pipeline.start();
    const [context] = source.contexts;
    expect(pipeline.stats().failing).toEqual([]);
    context?.health.failing(new Error("NATS connection lost"));
    context?.health.failing(new Error("NATS connection lost"));
    expect(pipeline.stats().failing).toMatchObject([
      { component: "bus", label: "source:upstream#bus", error: "NATS connection lost", failedAttempts: 2 },
    ]);
    context?.health.recovered();
    expect(pipeline.stats().failing).toEqual([]);
    await pipeline.stop();
  });
});
