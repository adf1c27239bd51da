import type { StreamInfo } from "../model/stream-key.js";
import type { VideoFrame } from "../model/video-frame.js";
import type { TransformOutput } from "../plugin/define-plugin.js";
import type { Clock } from "./clock.js";
import type { SinkComponent, TransformComponent } from "./create-components.js";
import type { Ticket } from "./flow-control.js";
import type { FrameFailures } from "./frame-failures.js";
import { type EndItem, endItem, type FrameItem, type Lane, type LaneItem } from "./lane.js";
import type { OperatorRunner } from "./operator-runner.js";
import type { GraphNode } from "./pipeline-graph.js";
import { attemptWithRetries, type RetryControl } from "./retry.js";
import type { RuntimeCounters } from "./runtime-counters.js";

/** What {@link NodeSteps} works with. */
export interface NodeStepsOptions {
  readonly counters: RuntimeCounters;
  readonly clock: Clock;
  readonly failures: FrameFailures;
  readonly operators: OperatorRunner;
  readonly retry: RetryControl;
  /** Sends a frame to every consumer of `node`. */
  readonly dispatch: (node: GraphNode, frame: VideoFrame, ticket: Ticket, stream: StreamInfo) => void;
  /** Puts an item into a node's lane. */
  readonly deliver: (node: GraphNode, stream: StreamInfo, item: LaneItem) => void;
}

/** True for something shaped like a frame (transform outputs come from plugin code). */
export function isFrame(value: unknown): value is VideoFrame {
  return (
    typeof value === "object" && value !== null && typeof (value as VideoFrame).image?.data?.byteLength === "number"
  );
}

/** A transform's output as a list; null when it is not a valid output at all. */
function normaliseOutput(output: TransformOutput | undefined): readonly VideoFrame[] | null {
  if (output === null) return [];
  if (Array.isArray(output)) return output.every(isFrame) ? output : null;
  return isFrame(output) ? [output as VideoFrame] : null;
}

/**
 * What one step of a lane does: a transform's `process` (retried while transient) or its stream
 * operator, a sink's `write` (retried while transient), or an end marker: transforms flush their
 * operator and pass the marker on; sinks call `endStream`, and `endGroup` after the group's last stream.
 */
export class NodeSteps {
  readonly #options: NodeStepsOptions;

  constructor(options: NodeStepsOptions) {
    this.#options = options;
  }

  run(lane: Lane, item: LaneItem): Promise<void> {
    const component = lane.node.component;
    if (item.kind === "end") return this.#end(lane, item);
    if (component.kind === "sink") return this.#write(lane, component, item);
    if (component.kind === "transform") return this.#transform(lane, component, item);
    return Promise.resolve();
  }

  async #transform(lane: Lane, component: TransformComponent, item: FrameItem): Promise<void> {
    const { counters, failures, operators, retry, dispatch } = this.#options;
    const node = lane.node;
    const process = component.instance.process;
    if (!process) {
      await operators.push(lane, component, item);
      return;
    }
    const outcome = await attemptWithRetries(() => process(item.frame), retry);
    const outputs = outcome.ok ? normaliseOutput(outcome.value) : null;
    if (!outputs) {
      const error = outcome.ok
        ? new TypeError("process() must return a frame, an array of frames, or null to drop")
        : outcome.error;
      await failures.frameFailed(node, item.frame, item.ticket.origin, error, "transform", outcome.attempts);
      return;
    }
    if (outputs.length === 0) {
      counters.dropped(node.id, "filtered");
      return;
    }
    for (const output of outputs) {
      counters.sent(node.id);
      dispatch(node, output, item.ticket, lane.stream);
    }
  }

  async #write(lane: Lane, component: SinkComponent, item: FrameItem): Promise<void> {
    const { counters, clock, failures, retry } = this.#options;
    lane.touched = true;
    const sink = component.instance;
    const outcome = await attemptWithRetries(() => sink.write(item.frame), retry);
    if (outcome.ok) {
      counters.sent(lane.node.id, (clock.now() - item.frame.receivedAt) / 1000);
      return;
    }
    await failures.frameFailed(lane.node, item.frame, item.ticket.origin, outcome.error, "write", outcome.attempts);
  }

  async #end(lane: Lane, item: EndItem): Promise<void> {
    const { failures, operators, retry, deliver } = this.#options;
    const node = lane.node;
    const component = node.component;
    if (component.kind === "transform") {
      await operators.finish(lane);
      for (const edge of node.consumers) deliver(edge.node, lane.stream, endItem(item.end, edge.input));
      return;
    }
    if (component.kind !== "sink") return;
    const touched = lane.touched;
    lane.touched = false;
    const sink = component.instance;
    const stream = lane.stream;
    const context = { recordingId: stream.recordingId, participantId: stream.participantId };
    if (touched && sink.endStream) {
      const endStream = sink.endStream.bind(sink);
      const outcome = await attemptWithRetries(() => endStream(stream), retry);
      if (!outcome.ok) failures.componentFailed(node, outcome.error, "end-stream", { ...context, type: stream.type });
    }
    // The sink finalises the group once every stream of it ended here (whatever reached it or not).
    const group = item.end.group;
    const pending = node.groupEnds.get(group) ?? { remaining: group.streamCount, touched: false };
    pending.remaining -= 1;
    pending.touched ||= touched;
    if (pending.remaining > 0) {
      node.groupEnds.set(group, pending);
      return;
    }
    node.groupEnds.delete(group);
    if (pending.touched && sink.endGroup) {
      const endGroup = sink.endGroup.bind(sink);
      const outcome = await attemptWithRetries(() => endGroup(group.info), retry);
      if (!outcome.ok) failures.componentFailed(node, outcome.error, "end-group", context);
    }
  }
}
