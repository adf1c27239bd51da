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
import { attemptWithRetries, type RetryControl, retryAfterFailure } from "./retry.js";
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
  /**
   * Called once per {@link NodeSteps.run}, when the step is over: synchronously when the plugin
   * answered synchronously, later otherwise. `error` is a runtime bug, never a plugin failure
   * (those are handled by the step).
   */
  readonly finished: (lane: Lane, item: LaneItem, error?: unknown) => void;
}

/** True for something shaped like a frame (transform outputs come from plugin code). */
export function isFrame(value: unknown): value is VideoFrame {
  return (
    typeof value === "object" && value !== null && typeof (value as VideoFrame).image?.data?.byteLength === "number"
  );
}

/** What a plugin call returned, when it is something to wait for. */
function thenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

/** What a lane hands to the promise of a first `process` or `write` attempt. */
export interface StepCallbacks {
  readonly resolved: (value: unknown) => void;
  readonly rejected: (error: unknown) => void;
}

const invalidOutput = () => new TypeError("process() must return a frame, an array of frames, or null to drop");

/**
 * What one step of a lane does: a transform's `process` (retried while transient) or its stream
 * operator, a sink's `write` (retried while transient), or an end marker: transforms flush their
 * operator and pass the marker on; sinks call `endStream`, and `endGroup` after the group's last stream.
 *
 * The first call to `process` or `write` is made directly, and a synchronous answer is handled
 * synchronously: no promise is created for a step that needs none, and an asynchronous answer costs
 * one `then`. Failures (thrown or rejected) go on through {@link retryAfterFailure}.
 */
export class NodeSteps {
  readonly #options: NodeStepsOptions;

  constructor(options: NodeStepsOptions) {
    this.#options = options;
  }

  /** Runs one item; {@link NodeStepsOptions.finished} tells when it is over. */
  run(lane: Lane, item: LaneItem): void {
    const component = lane.node.component;
    if (item.kind === "end") this.#settle(lane, item, this.#end(lane, item));
    else if (component.kind === "sink") this.#write(lane, component, item);
    else if (component.kind === "transform") this.#transform(lane, component, item);
    else this.#options.finished(lane, item);
  }

  #transform(lane: Lane, component: TransformComponent, item: FrameItem): void {
    lane.touched = true;
    const process = component.instance.process;
    if (!process) {
      this.#continue(lane, item, this.#options.operators.push(lane, component, item));
      return;
    }
    let output: TransformOutput | PromiseLike<TransformOutput>;
    let later: boolean;
    try {
      output = process(item.frame);
      later = thenable(output);
    } catch (error) {
      this.#settle(lane, item, this.#retryTransform(lane, item, process, error));
      return;
    }
    if (!later) {
      this.#continue(lane, item, this.#transformed(lane, item, output, 1));
      return;
    }
    const callbacks = this.#callbacks(lane);
    // Promise.resolve adopts a foreign thenable, so its callbacks cannot run inside this call.
    Promise.resolve(output).then(callbacks.resolved, callbacks.rejected);
  }

  async #retryTransform(
    lane: Lane,
    item: FrameItem,
    process: (frame: VideoFrame) => TransformOutput | PromiseLike<TransformOutput>,
    error: unknown,
  ): Promise<void> {
    const outcome = await retryAfterFailure(() => process(item.frame), this.#options.retry, error);
    if (outcome.ok) {
      await this.#transformed(lane, item, outcome.value, outcome.attempts);
      return;
    }
    await this.#options.failures.frameFailed(
      lane.node,
      item.frame,
      item.ticket.origin,
      outcome.error,
      "transform",
      outcome.attempts,
    );
  }

  /** Passes a transform's output on; a promise only when the output was invalid (its failure is handled). */
  #transformed(lane: Lane, item: FrameItem, output: unknown, attempts: number): Promise<void> | undefined {
    const { counters, dispatch } = this.#options;
    const node = lane.node;
    if (output === null) {
      counters.dropped(node.id, "filtered");
      return undefined;
    }
    if (isFrame(output)) {
      counters.sent(node.id);
      dispatch(node, output, item.ticket, lane.stream);
      return undefined;
    }
    if (!Array.isArray(output) || !output.every(isFrame)) {
      return this.#options.failures.frameFailed(
        node,
        item.frame,
        item.ticket.origin,
        invalidOutput(),
        "transform",
        attempts,
      );
    }
    if (output.length === 0) counters.dropped(node.id, "filtered");
    for (const frame of output as readonly VideoFrame[]) {
      counters.sent(node.id);
      dispatch(node, frame, item.ticket, lane.stream);
    }
    return undefined;
  }

  #write(lane: Lane, component: SinkComponent, item: FrameItem): void {
    lane.touched = true;
    const sink = component.instance;
    let result: unknown;
    let later: boolean;
    try {
      result = sink.write(item.frame);
      later = thenable(result);
    } catch (error) {
      this.#settle(lane, item, this.#retryWrite(lane, component, item, error));
      return;
    }
    if (!later) {
      this.#continue(lane, item, this.#written(lane, item));
      return;
    }
    const callbacks = this.#callbacks(lane);
    Promise.resolve(result).then(callbacks.resolved, callbacks.rejected);
  }

  async #retryWrite(lane: Lane, component: SinkComponent, item: FrameItem, error: unknown): Promise<void> {
    const sink = component.instance;
    const outcome = await retryAfterFailure(() => sink.write(item.frame), this.#options.retry, error);
    if (outcome.ok) {
      this.#written(lane, item);
      return;
    }
    await this.#options.failures.frameFailed(
      lane.node,
      item.frame,
      item.ticket.origin,
      outcome.error,
      "write",
      outcome.attempts,
    );
  }

  #written(lane: Lane, item: FrameItem): undefined {
    const { counters, clock } = this.#options;
    counters.sent(lane.node.id, (clock.now() - item.frame.receivedAt) / 1000);
    return undefined;
  }

  async #end(lane: Lane, item: EndItem): Promise<void> {
    const { failures, operators, retry, deliver } = this.#options;
    const node = lane.node;
    const component = node.component;
    if (component.kind === "transform") {
      lane.touched = false;
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

  /**
   * The callbacks of a lane's first attempts, made once per lane, so that an asynchronous step
   * allocates no closure (under tsx each closure also gets its `name` defined, which made closures
   * per step one of the runtime's largest per-frame costs). They find their item as the lane's
   * `current` one: a lane runs one step at a time, and the step is not over before one of them ran.
   */
  #callbacks(lane: Lane): StepCallbacks {
    if (lane.stepCallbacks) return lane.stepCallbacks;
    const component = lane.node.component;
    const current = () => lane.current as FrameItem;
    let callbacks: StepCallbacks;
    if (component.kind === "sink") {
      callbacks = {
        resolved: () => this.#afterAttempt(lane, current(), undefined),
        rejected: (error) => this.#settle(lane, current(), this.#retryWrite(lane, component, current(), error)),
      };
    } else {
      const process = (component as TransformComponent).instance.process;
      callbacks = {
        resolved: (value) => this.#afterAttempt(lane, current(), value),
        rejected: (error) => {
          if (process) this.#settle(lane, current(), this.#retryTransform(lane, current(), process, error));
          else this.#options.finished(lane, current(), error);
        },
      };
    }
    lane.stepCallbacks = callbacks;
    return callbacks;
  }

  /** A first attempt succeeded asynchronously: pass its result on (a throw here would go unhandled). */
  #afterAttempt(lane: Lane, item: FrameItem, value: unknown): void {
    let pending: Promise<void> | undefined;
    try {
      pending =
        lane.node.component.kind === "sink" ? this.#written(lane, item) : this.#transformed(lane, item, value, 1);
    } catch (error) {
      this.#options.finished(lane, item, error);
      return;
    }
    this.#continue(lane, item, pending);
  }

  /** Finishes the step now, or once `pending` (the handling of a failure) settles. */
  #continue(lane: Lane, item: LaneItem, pending: Promise<void> | undefined): void {
    if (pending === undefined) this.#options.finished(lane, item);
    else this.#settle(lane, item, pending);
  }

  /** Finishes the step once `pending` settles; a rejection there is a runtime bug, reported as such. */
  #settle(lane: Lane, item: LaneItem, pending: Promise<void>): void {
    const { finished } = this.#options;
    pending.then(
      () => finished(lane, item),
      (error: unknown) => finished(lane, item, error),
    );
  }
}
