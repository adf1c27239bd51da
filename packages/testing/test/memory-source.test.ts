import type { RecallEvent } from "@framepipe/core";
import { lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { createTestFrame, createTestStream } from "../src/frame-factory.js";
import { createMemorySource, toVideoFrameEvent } from "../src/memory-source.js";
import { createTestContext } from "../src/test-context.js";

const context = createTestContext({ kind: "source" });

describe("createMemorySource", () => {
  it("emits frames as video-frame events without seq, then completes", async () => {
    const frames = createTestStream({ participants: 1, frames: 3 });
    const memory = createMemorySource(frames);
    const source = await memory.definition.create({}, context);
    await source.start?.();
    const events = await lastValueFrom(source.events$.pipe(toArray()));
    expect(events.map((event) => event.kind)).toEqual(["video-frame", "video-frame", "video-frame"]);
    const first = events[0];
    expect(first?.kind === "video-frame" && "seq" in first.frame).toBe(false);
    expect(first?.kind === "video-frame" && first.frame.image.data).toBe(frames[0]?.image.data);
    expect(memory.emitted).toBe(3);
    expect(memory.calls).toEqual(["create", "start"]);
  });

  it("stops emitting while paused, even from inside next, and continues on resume", async () => {
    const memory = createMemorySource(createTestStream({ participants: 1, frames: 4 }));
    const source = await memory.definition.create({}, context);
    const received: RecallEvent[] = [];
    let completed = false;
    source.events$.subscribe({
      next: (event) => {
        received.push(event);
        if (received.length === 2) source.pause?.();
      },
      complete: () => {
        completed = true;
      },
    });
    expect(received).toHaveLength(2);
    expect(memory.paused).toBe(true);
    source.resume?.();
    expect(received).toHaveLength(4);
    expect(completed).toBe(true);
    expect([memory.pauses, memory.resumes]).toEqual([1, 1]);
  });

  it("stays open in on-stop mode, takes pushed events, and completes on stop", async () => {
    const memory = createMemorySource([], { complete: "on-stop" });
    const source = await memory.definition.create({}, context);
    const all = lastValueFrom(source.events$.pipe(toArray()));
    memory.push(createTestFrame({ seq: 0 }), toVideoFrameEvent(createTestFrame({ seq: 1 })));
    await source.stop?.();
    const events = await all;
    expect(events).toHaveLength(2);
    expect(memory.calls).toEqual(["create", "stop"]);
  });

  it("passes typed events through unchanged", async () => {
    const event: RecallEvent = {
      kind: "unknown",
      event: "participant_event.join",
      context: null,
      raw: {},
      receivedAt: 1,
    };
    const memory = createMemorySource([event]);
    const source = await memory.definition.create({}, context);
    expect(await lastValueFrom(source.events$)).toBe(event);
  });
});
