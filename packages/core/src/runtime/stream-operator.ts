import { type OperatorFunction, Subject, type Subscription } from "rxjs";
import type { VideoFrame } from "../model/video-frame.js";
import type { StreamControls } from "../plugin/define-plugin.js";
import type { FrameItem, Lane } from "./pipeline-node.js";

/** What a stream operator reports to: the transform node that owns it. */
export interface StreamOperatorOwner {
  /** The operator emitted `frame`; `during` is the frame being pushed in then, or null (a timer, the flush). */
  operatorEmitted(lane: Lane, frame: VideoFrame, during: FrameItem | null): void;
  /** The operator dropped `count` frames on purpose, reported or found at its end: `filtered`. */
  operatorDropped(lane: Lane, count: number): void;
  /** The operator errored outside any push (a timer inside it): no frame to pin the error on. */
  operatorFailed(lane: Lane, error: unknown): void;
}

/**
 * One per-stream operator of a transform (`stream(info, controls)`), alive from its stream's first
 * frame to its end: a Subject feeds the operator, and what comes out goes to the owner. Frames are
 * pushed synchronously, so an output that comes out during a push belongs to the pushed frame.
 */
export class StreamOperator {
  readonly #owner: StreamOperatorOwner;
  readonly #lane: Lane;
  readonly #subject = new Subject<VideoFrame>();
  #subscription: Subscription | null = null;
  /** Settles when the operator's output completes or errors. */
  readonly #finished: Promise<void>;
  #settle: () => void = () => {};
  /** The frame being pushed, while inside `subscribe` or `next`: an error then belongs to it. */
  #current: FrameItem | null = null;
  #inCall = false;
  #emittedDuringPush = 0;
  #error: { readonly cause: unknown } | null = null;
  /** Frames pushed in, emitted out, and reported dropped: what is left at the stream's end was dropped too. */
  #received = 0;
  #emitted = 0;
  #reported = 0;

  /** Creates the operator from the transform's `stream()` factory; throws what the factory throws. */
  constructor(
    owner: StreamOperatorOwner,
    lane: Lane,
    factory:
      | ((stream: Lane["stream"], controls: StreamControls) => OperatorFunction<VideoFrame, VideoFrame>)
      | undefined,
  ) {
    this.#owner = owner;
    this.#lane = lane;
    this.#finished = new Promise<void>((resolve) => {
      this.#settle = resolve;
    });
    if (!factory) throw new TypeError("this transform has no stream() factory");
    const controls: StreamControls = {
      dropped: (count = 1) => {
        if (!Number.isInteger(count) || count <= 0) return;
        this.#reported += count;
        owner.operatorDropped(lane, count);
      },
    };
    const operator = factory(lane.stream, controls);
    if (typeof operator !== "function") throw new TypeError("stream() must return an RxJS operator function");
    this.#inCall = true;
    this.#subscription = operator(this.#subject.asObservable()).subscribe({
      next: (frame) => {
        this.#emitted += 1;
        if (this.#inCall) this.#emittedDuringPush += 1;
        owner.operatorEmitted(lane, frame, this.#current);
      },
      error: (error: unknown) => {
        this.#error = { cause: error };
        this.#settle();
        if (!this.#inCall) owner.operatorFailed(lane, error);
      },
      complete: () => this.#settle(),
    });
    this.#inCall = false;
    if (this.#error) throw this.#error.cause;
  }

  /** The error the operator ended with, if it did. */
  get error(): { readonly cause: unknown } | null {
    return this.#error;
  }

  /**
   * Pushes one frame in. Returns how many frames came out during the push, or throws the error the
   * operator raised while taking it.
   */
  push(item: FrameItem): number {
    if (this.#error) throw this.#error.cause;
    this.#current = item;
    this.#inCall = true;
    this.#emittedDuringPush = 0;
    this.#received += 1;
    try {
      this.#subject.next(item.frame);
    } finally {
      this.#inCall = false;
      this.#current = null;
    }
    // The push itself may have made the operator error (TypeScript cannot see that through next()).
    const failure = this.error;
    if (failure) throw failure.cause;
    return this.#emittedDuringPush;
  }

  /** Completes the operator, waits for its last outputs, and counts what it dropped without saying. */
  async finish(): Promise<void> {
    this.#subject.complete();
    await this.#finished;
    // Counted once the operator has flushed: before its end a held frame may still come out.
    // An operator that emits more than it receives (splitting frames) drops nothing.
    const dropped = this.#received - this.#emitted - this.#reported;
    if (dropped > 0 && !this.#error) this.#owner.operatorDropped(this.#lane, dropped);
  }

  /** Drops the operator without flushing (a forced stop). */
  dispose(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = null;
  }
}
