import path from "node:path";
import type { OnErrorPolicy } from "../config/pipeline-config.js";
import { failureReason } from "../errors/failure-reason.js";
import { describeError, type ErrorStage, type FramepipeError } from "../errors/framepipe-error.js";
import type { VideoFrame } from "../model/video-frame.js";
import type { Logger } from "../services/logger.js";
import { DeadLetterWriter } from "./dead-letter.js";
import type { ErrorLogLimiter } from "./error-log.js";
import type { GraphNode } from "./pipeline-node.js";
import { wrapPluginError } from "./plugin-error.js";
import type { RuntimeCounters } from "./runtime-counters.js";

/** Folder under the config's `baseDir` used for dead letters when `runtime.deadLetterDir` is not set. */
export const DEFAULT_DEAD_LETTER_DIR = "dead-letter";

/** What {@link FrameFailures} needs. */
export interface FrameFailuresOptions {
  readonly counters: RuntimeCounters;
  readonly errorLog: ErrorLogLimiter;
  readonly logger: Logger;
  /** `runtime.deadLetterDir` (null: the default under `baseDir`). */
  readonly deadLetterDir: string | null;
  readonly baseDir: string;
  /** Fails the pipeline (`onError: fail`). */
  readonly fail: (error: FramepipeError) => void;
}

/** The context logged with a failed frame: who and where, never the image bytes. */
function frameContext(frame: VideoFrame): Record<string, unknown> {
  return {
    recordingId: frame.recording.id,
    participantId: frame.participant.id,
    type: frame.type,
    seq: frame.seq,
  };
}

/**
 * Applies a component's `onError` to a frame that failed for good: count, log once (rate-limited),
 * then drop it, dead-letter it, or fail the pipeline.
 */
export class FrameFailures {
  readonly #options: FrameFailuresOptions;
  #deadLetters: DeadLetterWriter | null = null;
  #deadLettered = 0;

  constructor(options: FrameFailuresOptions) {
    this.#options = options;
  }

  /** The dead-letter directory, absolute. */
  get deadLetterDirectory(): string {
    const { deadLetterDir, baseDir } = this.#options;
    return path.resolve(baseDir, deadLetterDir ?? DEFAULT_DEAD_LETTER_DIR);
  }

  /** The dead-letter directory (absolute) once a frame was written there, else null. */
  get usedDeadLetterDirectory(): string | null {
    return this.#deadLettered > 0 ? this.deadLetterDirectory : null;
  }

  /**
   * A frame failed at `node`. `origin` is the frame as accepted, which is what a dead letter keeps
   * (it can be replayed as a Recall message).
   */
  async frameFailed(
    node: GraphNode,
    frame: VideoFrame,
    origin: VideoFrame,
    error: unknown,
    stage: ErrorStage,
    attempts: number,
  ): Promise<void> {
    const { counters, errorLog } = this.#options;
    const component = node.component;
    const wrapped = wrapPluginError(error, component.kind, component.label, stage);
    const policy: OnErrorPolicy = component.config.onError;
    counters.error(node.id, stage);
    errorLog.error(
      component.label,
      {
        component: component.label,
        stage,
        ...frameContext(frame),
        attempts,
        onError: policy,
        error: describeError(error),
      },
      wrapped.message,
    );
    if (policy === "dead-letter") {
      try {
        this.#deadLetters ??= new DeadLetterWriter(this.deadLetterDirectory);
        await this.#deadLetters.write(node.id, origin, {
          component: component.label,
          stage,
          message: describeError(error),
        });
        counters.dropped(node.id, "dead-letter");
        counters.frameFailed(node.id, failureReason(error), true);
        this.#deadLettered += 1;
        return;
      } catch (writeError) {
        this.#options.logger.error(
          { component: component.label, ...frameContext(frame), error: describeError(writeError) },
          "could not write a dead letter; the frame is dropped",
        );
      }
    }
    counters.dropped(node.id, "error");
    counters.frameFailed(node.id, failureReason(error), false);
    if (policy === "fail") this.#options.fail(wrapped);
  }

  /**
   * A component failed outside a single frame (`endStream`, `endGroup`, an operator that errored
   * later, `flush`, `close`): counted and logged; with `applyPolicy`, `onError: fail` fails the pipeline.
   */
  componentFailed(
    node: GraphNode,
    error: unknown,
    stage: ErrorStage,
    context: Record<string, unknown> = {},
    applyPolicy = true,
  ): void {
    const component = node.component;
    const wrapped = wrapPluginError(error, component.kind, component.label, stage);
    this.#options.counters.error(node.id, stage);
    this.#options.errorLog.error(
      component.label,
      { component: component.label, stage, ...context, error: describeError(error) },
      wrapped.message,
    );
    if (applyPolicy && component.config.onError === "fail") this.#options.fail(wrapped);
  }
}
