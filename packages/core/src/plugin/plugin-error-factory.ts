import {
  describeError,
  type ErrorStage,
  FramepipeError,
  type FramepipeErrorCode,
  isTransientError,
} from "../errors/framepipe-error.js";
import type { ComponentKind } from "./plugin-context.js";

/** What a plugin may add to an error it builds with `context.error`. */
export interface PluginErrorDetails {
  /**
   * The call that fails (`create`, `write`, `end-stream`, …). Give it: the runtime keeps an error
   * whose stage is that of the call as it is, and wraps any other under a `<stage> failed:` prefix.
   */
  readonly stage?: ErrorStage;
  /** Default: the kind's failure code, `SOURCE_FAILED`, `TRANSFORM_FAILED` or `SINK_WRITE_FAILED`. */
  readonly code?: FramepipeErrorCode;
  /** The error behind this one, kept as `cause`. */
  readonly cause?: unknown;
  /** Whether a retry may succeed. Default: whether `cause` is transient (see `markTransient`). */
  readonly transient?: boolean;
}

/**
 * `context.error`: builds a {@link FramepipeError} tagged with the component, so its message reads
 * `[framepipe] [sink:fs#disk] …` and the runtime recognises it as the component's own.
 */
export interface PluginErrorFactory {
  /** An error with this message: `throw context.error("the sink is closed", { stage: "write" })`. */
  (message: string, details?: PluginErrorDetails): FramepipeError;
  /**
   * An error explaining a thrown value: its message, the value as `cause`. An error this component
   * already built comes back unchanged, so it is never tagged twice.
   */
  (cause: unknown, details?: Omit<PluginErrorDetails, "cause">): FramepipeError;
}

/** The code of a plugin failure by component kind, when the plugin did not choose one. */
export const failureCodeByKind: Readonly<Record<ComponentKind, FramepipeErrorCode>> = {
  source: "SOURCE_FAILED",
  transform: "TRANSFORM_FAILED",
  sink: "SINK_WRITE_FAILED",
};

/** The `context.error` of the component labelled `label`. */
export function createPluginErrorFactory(kind: ComponentKind, label: string): PluginErrorFactory {
  return (problem: unknown, details: PluginErrorDetails = {}): FramepipeError => {
    if (typeof problem !== "string" && FramepipeError.isInstance(problem) && problem.component === label) {
      return problem;
    }
    const cause = typeof problem === "string" ? details.cause : problem;
    return new FramepipeError({
      code: details.code ?? failureCodeByKind[kind],
      component: label,
      stage: details.stage,
      message: typeof problem === "string" ? problem : describeError(problem),
      cause,
      transient: details.transient ?? (cause !== undefined && isTransientError(cause)),
    });
  };
}
