import { describe, expect, it } from "vitest";
import { FramepipeError, isTransientError, markTransient } from "../../src/errors/framepipe-error.js";
import { createPluginContext } from "../../src/plugin/create-plugin-context.js";

const sinkContext = () => createPluginContext({ kind: "sink", type: "fs", componentId: "disk" });

describe("createPluginContext", () => {
  it("labels the component kind:type#id", () => {
    const context = sinkContext();
    expect(context).toMatchObject({ kind: "sink", componentId: "disk", label: "sink:fs#disk", services: {} });
    expect(context.signal.aborted).toBe(false);
  });

  it("builds errors tagged with the component and the kind's failure code", () => {
    const error = sinkContext().error("the sink is closed", { stage: "write" });
    expect(FramepipeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "SINK_WRITE_FAILED", component: "sink:fs#disk", stage: "write" });
    expect(error.message).toBe("[framepipe] [sink:fs#disk] the sink is closed");
    const source = createPluginContext({ kind: "source", type: "replay", componentId: "tape" });
    expect(source.error("cannot replay").code).toBe("SOURCE_FAILED");
    const transform = createPluginContext({ kind: "transform", type: "resize", componentId: "thumbs" });
    expect(transform.error("bad frame").code).toBe("TRANSFORM_FAILED");
  });

  it("keeps the cause, and its transience unless told otherwise", () => {
    const cause = markTransient(new Error("EMFILE"));
    const error = sinkContext().error("cannot open", { stage: "write", cause });
    expect(error.cause).toBe(cause);
    expect(isTransientError(error)).toBe(true);
    const overridden = sinkContext().error("cannot open", { cause, transient: false, code: "INVALID_ARGUMENT" });
    expect(overridden).toMatchObject({ transient: false, code: "INVALID_ARGUMENT" });
  });

  it("explains a thrown value given instead of a message", () => {
    const cause = new Error("disk full");
    const error = sinkContext().error(cause, { stage: "flush" });
    expect(error.message).toBe("[framepipe] [sink:fs#disk] disk full");
    expect(error).toMatchObject({ stage: "flush", cause });
  });

  it("returns an error the component already built unchanged", () => {
    const context = sinkContext();
    const first = context.error("refused", { stage: "write" });
    expect(context.error(first, { stage: "write" })).toBe(first);
  });
});
