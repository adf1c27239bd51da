import type { VideoFrame } from "../model/video-frame.js";
import type { TransformOutput } from "../plugin/define-plugin.js";
import type { TransformComponent } from "./create-components.js";
import type { ItemOutcome } from "./flow-control.js";
import { type FrameItem, type Lane, LaneNode, type StreamEnd } from "./pipeline-node.js";
import { StreamOperator, type StreamOperatorOwner } from "./stream-operator.js";

/** True for something shaped like a frame (transform outputs come from plugin code). */
function isFrame(value: unknown): value is VideoFrame {
  return (
    typeof value === "object" && value !== null && typeof (value as VideoFrame).image?.data?.byteLength === "number"
  );
}

/**
 * What a frame may take once decoded, as 8-bit RGBA: a transform's `process` can decode it (resize
 * does), and a small PNG that claims a huge size decodes into far more memory than its bytes. The
 * byte budget charges this while the step runs, on top of the frame's own bytes.
 */
function decodedBytes(frame: VideoFrame): number {
  const { width, height } = frame.image;
  return Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0 ? width * height * 4 : 0;
}

const invalidOutput = () => new TypeError("process() must return a frame, an array of frames, or null to drop");
const notAFrame = () => new TypeError("a stream operator emitted something that is not a frame");

/**
 * A transform in the graph. Its step awaits `process(frame)` (retrying transient failures), then
 * forwards what came out; a transform with a `stream()` factory instead feeds the stream's
 * operator, whose outputs are forwarded as they come. At a stream's end the operator is flushed
 * and the end marker passed on.
 */
export class TransformNode extends LaneNode implements StreamOperatorOwner {
  declare readonly component: TransformComponent;

  protected async process(lane: Lane, item: FrameItem): Promise<ItemOutcome> {
    lane.touched = true;
    const process = this.component.instance.process;
    if (!process) return this.#push(lane, item);
    let output: TransformOutput;
    let attempts = 1;
    const flow = this.runtime.flow;
    const decoded = decodedBytes(item.frame);
    flow.hold(decoded);
    try {
      output = await process(item.frame);
    } catch (error) {
      const retried = await this.retry(() => process(item.frame), error);
      if (!retried.ok) {
        flow.releaseHeld(decoded);
        // A forced stop cut the retries short: it already counted the frame as unwritten.
        if (this.runtime.work.abandoned) return "shutdown";
        return this.#failed(item, retried.error, retried.attempts);
      }
      output = retried.value;
      attempts = retried.attempts;
    }
    flow.releaseHeld(decoded);
    return this.#forwardOutput(lane, item, output, attempts);
  }

  protected async end(lane: Lane, end: StreamEnd): Promise<void> {
    lane.touched = false;
    const operator = lane.operator as StreamOperator | null;
    if (operator) {
      await operator.finish();
      if (lane.operator === operator) lane.operator = null;
    }
    this.forwardEnd(end);
  }

  operatorEmitted(lane: Lane, frame: VideoFrame, during: FrameItem | null): void {
    const { counters, flow, failures, work } = this.runtime;
    if (work.abandoned) return;
    if (!isFrame(frame)) {
      failures.componentFailed(this, notAFrame(), "transform");
      return;
    }
    counters.sent(this.id);
    // Out during a push: it descends from the pushed frame. Later (a timer, the flush): a frame of its own.
    const ticket = during?.ticket ?? flow.charge(lane.stream.key, this.id, frame);
    this.forward(frame, ticket, lane.stream);
  }

  operatorDropped(_lane: Lane, count: number): void {
    for (let index = 0; index < count; index += 1) this.runtime.counters.dropped(this.id, "filtered");
  }

  operatorFailed(lane: Lane, error: unknown): void {
    if (lane.operator && (lane.operator as StreamOperator).error) lane.operator = null;
    const { recordingId, participantId, type } = lane.stream;
    this.runtime.failures.componentFailed(this, error, "transform", { recordingId, participantId, type });
  }

  /** Feeds the stream's operator, creating it on the stream's first frame. */
  async #push(lane: Lane, item: FrameItem): Promise<ItemOutcome> {
    let operator = lane.operator as StreamOperator | null;
    try {
      if (!operator) {
        operator = new StreamOperator(this, lane, this.component.instance.stream);
        lane.operator = operator;
      }
      // Nothing came out now: the operator dropped or holds the frame, which is done with either way.
      return operator.push(item) > 0 ? "forwarded" : "filtered";
    } catch (error) {
      // An operator that errored is done: the stream's next frame gets a fresh one.
      if (lane.operator === operator) lane.operator = null;
      return this.#failed(item, error, 1);
    }
  }

  /** Passes a transform's output on; a promise only matters when the output was invalid. */
  #forwardOutput(
    lane: Lane,
    item: FrameItem,
    output: TransformOutput,
    attempts: number,
  ): ItemOutcome | Promise<ItemOutcome> {
    const counters = this.runtime.counters;
    if (output === null) {
      counters.dropped(this.id, "filtered");
      return "filtered";
    }
    if (isFrame(output)) {
      counters.sent(this.id);
      this.forward(output, item.ticket, lane.stream);
      return "forwarded";
    }
    if (!Array.isArray(output) || !output.every(isFrame)) return this.#failed(item, invalidOutput(), attempts);
    if (output.length === 0) {
      counters.dropped(this.id, "filtered");
      return "filtered";
    }
    for (const frame of output as readonly VideoFrame[]) {
      counters.sent(this.id);
      this.forward(frame, item.ticket, lane.stream);
    }
    return "forwarded";
  }

  async #failed(item: FrameItem, error: unknown, attempts: number): Promise<ItemOutcome> {
    await this.runtime.failures.frameFailed(this, item.frame, item.ticket.origin, error, "transform", attempts);
    return "failed";
  }
}
