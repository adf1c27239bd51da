import { describe, expect, it } from "vitest";
import { createCollectSink } from "../src/collect-sink.js";
import { createTestFrame, createTestStream } from "../src/frame-factory.js";
import { createTestContext } from "../src/test-context.js";

const stream = { key: "r#1#webcam", groupKey: "r#1", recordingId: "r", participantId: 1, type: "webcam" as const };
const group = { key: "r#1", recordingId: "r", participantId: 1, reason: "leave" as const };

describe("createCollectSink", () => {
  it("is a frozen collect sink definition with a strict empty options schema", () => {
    const collect = createCollectSink();
    expect(Object.isFrozen(collect.definition)).toBe(true);
    expect(collect.definition).toMatchObject({ kind: "sink", type: "collect" });
    expect(collect.definition.options.safeParse({}).success).toBe(true);
    expect(collect.definition.options.safeParse({ extra: 1 }).success).toBe(false);
  });

  it("records every call in order, across instances", async () => {
    const collect = createCollectSink();
    const sink = await collect.definition.create({}, createTestContext({ componentId: "archive" }));
    const frames = createTestStream({ participants: 1, frames: 2 });
    for (const frame of frames) await sink.write(frame);
    await sink.endStream?.(stream);
    await sink.endGroup?.(group);
    await sink.flush?.();
    await sink.close?.();
    expect(collect.frames).toEqual(frames);
    expect(collect.endedStreams).toEqual([stream]);
    expect(collect.endedGroups).toEqual([group]);
    expect(collect.flushed).toBe(1);
    expect(collect.closed).toBe(1);
    expect(collect.calls.map((call) => call.method)).toEqual([
      "create",
      "write",
      "write",
      "endStream",
      "endGroup",
      "flush",
      "close",
    ]);
    expect(collect.calls.every((call) => call.componentId === "archive")).toBe(true);
  });

  it("resolves waitFor on the write that reaches the count", async () => {
    const collect = createCollectSink();
    const sink = await collect.definition.create({}, createTestContext());
    let settled = false;
    const waiting = collect.waitFor(2).then(() => {
      settled = true;
    });
    await sink.write(createTestFrame({ seq: 0 }));
    await Promise.resolve();
    expect(settled).toBe(false);
    await sink.write(createTestFrame({ seq: 1 }));
    await waiting;
    expect(settled).toBe(true);
    await expect(collect.waitFor(1)).resolves.toBeUndefined();
  });

  it("rejects waitFor when the sink closes first, or when aborted", async () => {
    const collect = createCollectSink();
    const sink = await collect.definition.create({}, createTestContext());
    const controller = new AbortController();
    const aborted = collect.waitFor(5, { signal: controller.signal });
    controller.abort(new Error("gave up"));
    await expect(aborted).rejects.toThrow("gave up");
    const waiting = collect.waitFor(3);
    await sink.write(createTestFrame());
    await sink.close?.();
    await expect(waiting).rejects.toThrow(/closed before 3 frames were written \(1 frames written\)/);
  });

  it("waits for any condition with waitUntil", async () => {
    const collect = createCollectSink();
    const sink = await collect.definition.create({}, createTestContext());
    const ended = collect.waitUntil(() => collect.endedGroups.length === 1);
    await sink.endGroup?.(group);
    await expect(ended).resolves.toBeUndefined();
  });

  it("holds or fails writes through beforeWrite", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const collect = createCollectSink({
      beforeWrite: async (frame) => {
        if (frame.seq === 9) throw new Error("disk full");
        await gate;
      },
    });
    const sink = await collect.definition.create({}, createTestContext());
    const held = sink.write(createTestFrame({ seq: 0 }));
    await Promise.resolve();
    expect(collect.frames).toHaveLength(0);
    release();
    await held;
    expect(collect.frames).toHaveLength(1);
    await expect(Promise.resolve(sink.write(createTestFrame({ seq: 9 })))).rejects.toThrow("disk full");
    expect(collect.frames).toHaveLength(1);
  });
});
