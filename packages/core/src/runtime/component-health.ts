import { failureReason } from "../errors/failure-reason.js";
import { describeError, isTransientError } from "../errors/framepipe-error.js";
import type { Clock } from "./clock.js";
import type { RuntimeComponent } from "./create-components.js";
import { ERROR_LOG_INTERVAL_MS } from "./error-log.js";
import type { FailingSink } from "./pipeline-types.js";

/** What health is tracked for: a component, before or after its instance exists. */
export type HealthSubject = Pick<RuntimeComponent, "config" | "label" | "logger">;

interface FailingState {
  readonly component: HealthSubject;
  /** Wall-clock time of the first failure, for people reading `/health`. */
  readonly since: Date;
  /** Clock time of the first failure, for the duration logged at recovery. */
  readonly startedAt: number;
  reason: string;
  error: string;
  failedAttempts: number;
}

/**
 * Which components are failing now: a sink from a failed write attempt until one of its writes
 * succeeds; a source from its own report (`context.health.failing`, e.g. cut off from its
 * upstream) until it reports it recovered. `/ready` answers 503 and `/health` names the sink meanwhile, so a full or
 * read-only disk shows from the first failed write, not minutes later when retries run out.
 *
 * The start and the end of a failure are logged (`warn`, then `info`), at most once per
 * {@link ERROR_LOG_INTERVAL_MS} per sink so a sink that fails every other write does not flood
 * the log; each frame that fails for good is logged by `FrameFailures` as before.
 */
export class ComponentHealth {
  readonly #clock: Clock;
  readonly #failing = new Map<string, FailingState>();
  /** Clock time of the last transition logged, per sink id. */
  readonly #loggedAt = new Map<string, number>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** An attempt to write failed at `component` (whether it will be retried or not). */
  failed(component: HealthSubject, error: unknown): void {
    const id = component.config.id;
    const reason = failureReason(error);
    const message = describeError(error);
    const state = this.#failing.get(id);
    if (state) {
      state.reason = reason;
      state.error = message;
      state.failedAttempts += 1;
      return;
    }
    this.#failing.set(id, {
      component,
      since: new Date(),
      startedAt: this.#clock.now(),
      reason,
      error: message,
      failedAttempts: 1,
    });
    if (this.#mayLog(id)) {
      component.logger.warn(
        { reason, error: message, retried: isTransientError(error) },
        component.config.kind === "sink"
          ? "sink failing: writes fail; /ready answers 503 until one succeeds"
          : `${component.config.kind} failing: /ready answers 503 until it recovers`,
      );
    }
  }

  /** A write succeeded at `component`: it is no longer failing. */
  succeeded(component: HealthSubject): void {
    const id = component.config.id;
    const state = this.#failing.get(id);
    if (!state) return;
    this.#failing.delete(id);
    if (this.#mayLog(id)) {
      component.logger.info(
        { failedForMs: Math.round(this.#clock.now() - state.startedAt), failedAttempts: state.failedAttempts },
        component.config.kind === "sink"
          ? "sink recovered: writes succeed again"
          : `${component.config.kind} recovered`,
      );
    }
  }

  /** Clock time of the first failed attempt of `component`'s current failure, or undefined when it is not failing. */
  failingSince(component: HealthSubject): number | undefined {
    return this.#failing.get(component.config.id)?.startedAt;
  }

  /** The sinks failing now, in the order they started failing. */
  failing(): FailingSink[] {
    return [...this.#failing.values()].map((state) => ({
      component: state.component.config.id,
      label: state.component.label,
      reason: state.reason,
      error: state.error,
      since: state.since.toISOString(),
      failedAttempts: state.failedAttempts,
    }));
  }

  #mayLog(id: string): boolean {
    const now = this.#clock.now();
    const last = this.#loggedAt.get(id);
    if (last !== undefined && now - last < ERROR_LOG_INTERVAL_MS) return false;
    this.#loggedAt.set(id, now);
    return true;
  }
}
