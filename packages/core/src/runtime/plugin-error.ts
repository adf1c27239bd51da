import { describeError, type ErrorStage, FramepipeError, isTransientError } from "../errors/framepipe-error.js";
import type { ComponentKind } from "../plugin/plugin-context.js";
import { failureCodeByKind } from "../plugin/plugin-error-factory.js";

/**
 * Wraps what a plugin threw into a {@link FramepipeError} naming the component (`sink:fs#disk`) and
 * the stage, like rollup re-tags plugin errors with the plugin and hook. The original stays as
 * `cause`, and transience is kept so retries still apply.
 */
export function wrapPluginError(error: unknown, kind: ComponentKind, label: string, stage: ErrorStage): FramepipeError {
  if (FramepipeError.isInstance(error) && error.component === label && error.stage === stage) return error;
  return new FramepipeError({
    code: failureCodeByKind[kind],
    component: label,
    stage,
    message: `${stage} failed: ${describeError(error)}`,
    cause: error,
    transient: isTransientError(error),
  });
}
