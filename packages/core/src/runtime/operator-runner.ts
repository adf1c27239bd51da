import { Subject, type Subscription } from "rxjs";
import type { VideoFrame } from "../model/video-frame.js";
import type { StreamControls } from "../plugin/define-plugin.js";
import type { TransformComponent } from "./create-components.js";
import type { FrameFailures } from "./frame-failures.js";
import type { FrameItem, Lane } from "./lane.js";

/** A per-stream operator of a transform (`stream(info)`), alive from its stream's first frame to its end. */
export interface OperatorState {
  readonly subject: Subject<VideoFrame>;
  subscription: Subscription | null;
  /** Settles when the operator's output completes or errors. */
  readonly finished: Promise<void>;
  /** True while the runtime is inside `subscribe` or `next`: an error then belongs to that call. */
  inCall: boolean;
  errored: boolean;
  error: unknown;
  /** Frames pushed in, emitted out, and reported dropped: what is left at the stream's end was dropped too. */
  received: number;
  emitted: number;
  reported: number;
}

/** What {@link OperatorRunner} needs. */
export interface OperatorRunnerOptions {
  readonly failures: FrameFailures;
  /** Takes a frame the operator emitted. */
  readonly emit: (lane: Lane, frame: VideoFrame) => void;
  /**
   * Told of frames an operator dropped on purpose (a `dedupe` or `sample` skipping frames): when
   * the operator reports them, and when its stream ends for the ones it took in, never emitted
   * and never reported. They count as dropped, reason `filtered`.
   */
  readonly dropped: (lane: Lane, count: number) => void;
}

/**
 * Feeds per-stream operator transforms: one Subject and one operator instance per (transform,
 * stream), created on the stream's first frame and completed at its end so that the operator
 * flushes what it holds (the outputs go out before the end marker).
 */
export class OperatorRunner {
  readonly #options: OperatorRunnerOptions;

  constructor(options: OperatorRunnerOptions) {
    this.#options = options;
  }

  /**
   * Pushes one frame into its stream's operator, creating the operator first if needed. Returns a
   * promise only when the frame failed (its failure is being handled): the common case stays
   * synchronous, one call per frame.
   */
  push(lane: Lane, component: TransformComponent, item: FrameItem): Promise<void> | undefined {
    let state = lane.operator;
    if (!state) {
      let created: OperatorState | undefined;
      let failure: unknown;
      try {
        created = this.#create(lane, component);
      } catch (error) {
        failure = error;
      }
      if (!created || created.errored) return this.#frameFailed(lane, item, created ? created.error : failure);
      state = created;
      lane.operator = state;
    }
    state.inCall = true;
    state.received += 1;
    state.subject.next(item.frame);
    state.inCall = false;
    if (state.errored) return this.#frameFailed(lane, item, state.error);
    return undefined;
  }

  /** Completes the stream's operator and waits for its last outputs. */
  async finish(lane: Lane): Promise<void> {
    const state = lane.operator;
    if (!state) return;
    state.subject.complete();
    await state.finished;
    if (lane.operator === state) lane.operator = null;
    // Counted once the operator has flushed: before its end a held frame may still come out.
    // An operator that emits more than it receives (splitting frames) drops nothing.
    const dropped = state.received - state.emitted - state.reported;
    if (dropped > 0 && !state.errored) this.#options.dropped(lane, dropped);
  }

  /** Drops the stream's operator without flushing (a forced stop). */
  dispose(lane: Lane): void {
    lane.operator?.subscription?.unsubscribe();
    lane.operator = null;
  }

  #create(lane: Lane, component: TransformComponent): OperatorState {
    const factory = component.instance.stream;
    if (!factory) throw new TypeError("this transform has no stream() factory");
    const subject = new Subject<VideoFrame>();
    let settle: () => void = () => {};
    const state: OperatorState = {
      subject,
      subscription: null,
      finished: new Promise<void>((resolve) => {
        settle = resolve;
      }),
      inCall: true,
      errored: false,
      error: undefined,
      received: 0,
      emitted: 0,
      reported: 0,
    };
    const controls: StreamControls = {
      dropped: (count = 1) => {
        if (!Number.isInteger(count) || count <= 0) return;
        state.reported += count;
        this.#options.dropped(lane, count);
      },
    };
    const operator = factory(lane.stream, controls);
    if (typeof operator !== "function") throw new TypeError("stream() must return an RxJS operator function");
    state.subscription = operator(subject.asObservable()).subscribe({
      next: (frame) => {
        state.emitted += 1;
        this.#options.emit(lane, frame);
      },
      error: (error: unknown) => {
        state.errored = true;
        state.error = error;
        if (lane.operator === state) lane.operator = null;
        settle();
        // An error outside a push (a timer inside the operator) has no frame to pin it on.
        if (!state.inCall) this.#options.failures.componentFailed(lane.node, error, "transform", streamContext(lane));
      },
      complete: () => settle(),
    });
    state.inCall = false;
    return state;
  }

  #frameFailed(lane: Lane, item: FrameItem, error: unknown): Promise<void> {
    return this.#options.failures.frameFailed(lane.node, item.frame, item.ticket.origin, error, "transform", 1);
  }
}

function streamContext(lane: Lane): Record<string, unknown> {
  return { recordingId: lane.stream.recordingId, participantId: lane.stream.participantId, type: lane.stream.type };
}
