import { from, mergeMap } from "rxjs";
import { describe, expect, it, vi } from "vitest";
import type { VideoFrame } from "../../src/model/video-frame.js";
import { groupByParticipant } from "../../src/operators/group-by-participant.js";
import type { RecallEvent } from "../../src/recall/recall-event.js";
import { createPipeline } from "../../src/runtime/create-pipeline.js";
import { component, pipelineConfig } from "../runtime/support/config.js";
import { frameEvent, participantEvent } from "../runtime/support/events.js";
import { collectSink, memorySource } from "../runtime/support/plugins.js";

// One constant bounds what the operator and the runtime remember: lowered here, it must lower both.
vi.mock("../../src/participants/remembered-participants.js", () => ({ MAX_REMEMBERED_PARTICIPANTS: 2 }));

/**
 * Participants 1, 2 and 3 each send a named frame and leave; then 1 and 3 come back without a
 * name. With two participants remembered between groups, 1 (the least recently used) is forgotten
 * when 3 leaves: it restarts at `seq` 0 with no name, while 3 continues.
 */
const events: RecallEvent[] = [
  frameEvent({ participantId: 1, name: "Ann" }),
  participantEvent("leave", { participantId: 1 }),
  frameEvent({ participantId: 2, name: "Bob" }),
  participantEvent("leave", { participantId: 2 }),
  frameEvent({ participantId: 3, name: "Cy" }),
  participantEvent("leave", { participantId: 3 }),
  frameEvent({ participantId: 1, name: null }),
  frameEvent({ participantId: 3, name: null }),
];

const expected = ["1 0 Ann", "2 0 Bob", "3 0 Cy", "1 0 null", "3 1 Cy"];

const label = (frame: VideoFrame) => `${frame.participant.id} ${frame.seq} ${frame.participant.name ?? "null"}`;

describe("the limit on remembered participants", () => {
  it("is the same for groupByParticipant and the runtime: both forget the least recently used participant", async () => {
    const viaOperator: string[] = [];
    from(events)
      .pipe(
        groupByParticipant(),
        mergeMap((group) => group.frames$),
      )
      .subscribe((frame) => viaOperator.push(label(frame)));
    expect(viaOperator).toEqual(expected);

    const source = memorySource();
    const sink = collectSink();
    const pipeline = await createPipeline(
      pipelineConfig({
        sources: [component("src", source.definition)],
        sinks: [component("out", sink.definition, ["src"])],
      }),
    );
    const viaRuntime: string[] = [];
    pipeline.frames$.subscribe((frame) => viaRuntime.push(label(frame)));
    await pipeline.start();
    for (const event of events) source.handle.emit(event);
    await pipeline.stop();
    expect(viaRuntime).toEqual(expected);
    expect(sink.handle.frames.map(label).sort()).toEqual([...expected].sort());
  });
});
