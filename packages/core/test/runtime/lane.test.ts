import { describe, expect, it } from "vitest";
import type { StreamInfo } from "../../src/model/stream-key.js";
import type { VideoFrame } from "../../src/model/video-frame.js";
import type { Ticket } from "../../src/runtime/flow-control.js";
import {
  type EndItem,
  type FrameItem,
  type GroupEnd,
  Lane,
  type LaneItem,
  type LaneNode,
  type StreamEnd,
} from "../../src/runtime/pipeline-node.js";

const stream: StreamInfo = { key: "r#1#webcam", groupKey: "r#1", recordingId: "r", participantId: 1, type: "webcam" };

function end(): StreamEnd {
  const group: GroupEnd = { info: { key: "r#1", recordingId: "r", participantId: 1, reason: "leave" }, streamCount: 1 };
  return { stream, group };
}

function frame(seq: number): VideoFrame {
  return { seq } as VideoFrame;
}

const ticket = { items: [] } as unknown as Ticket;
const links = { lane: null, linkedIn: null, linkPrevious: null, linkNext: null };

function frameItem(value: VideoFrame, input: number): FrameItem {
  return { kind: "frame", frame: value, ticket, input, ...links };
}

function endItem(value: StreamEnd, input: number): EndItem {
  return { kind: "end", end: value, input, ...links };
}

function drain(lane: Lane): string[] {
  const taken: string[] = [];
  for (let item = lane.queue.shift(); item; item = lane.queue.shift()) taken.push(label(item));
  return taken;
}

function label(item: LaneItem): string {
  return item.kind === "frame" ? `${item.input}:f${item.frame.seq}` : `end`;
}

describe("Lane with two inputs", () => {
  const node = { inputCount: 2 } as LaneNode;

  it("lets an end marker through only after both inputs ended, holding what an ended input sends next", () => {
    const lane = new Lane(node, stream);
    const first = end();
    const second = end();
    expect(lane.accept(frameItem(frame(0), 0))).toBe(0);
    expect(lane.accept(endItem(first, 0))).toBe(1);
    // Input 0 already ended this round: its next group's frame and end wait.
    lane.accept(frameItem(frame(1), 0));
    lane.accept(endItem(second, 0));
    lane.accept(frameItem(frame(2), 0));
    lane.accept(frameItem(frame(10), 1));
    expect(lane.waiting).toBe(5);
    expect(drain(lane)).toEqual(["0:f0", "1:f10"]);

    // Input 1 ends: the merged marker goes out, then the held frame; the second round starts.
    expect(lane.accept(endItem(first, 1))).toBe(1);
    expect(drain(lane)).toEqual(["end", "0:f1"]);
    expect(lane.endedInputs).toEqual(new Set([0]));
    expect(lane.held?.size).toBe(1);
    lane.accept(endItem(second, 1));
    expect(drain(lane)).toEqual(["end", "0:f2"]);
    expect(lane.endedInputs.size).toBe(0);
    expect(lane.idle).toBe(true);
  });

  it("removes a waiting item wherever it waits", () => {
    const lane = new Lane(node, stream);
    lane.accept(endItem(end(), 0));
    const held = frameItem(frame(1), 0);
    const queued = frameItem(frame(2), 1);
    lane.accept(held);
    lane.accept(queued);
    expect(lane.remove(held)).toBe(true);
    expect(lane.remove(queued)).toBe(true);
    expect(lane.remove(queued)).toBe(false);
    expect(lane.waiting).toBe(0);
    expect([...lane.waitingItems()]).toEqual([]);
  });
});
