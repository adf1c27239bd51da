/** Attempts of a failing write or transform, the first one included, while its error is transient. */
export const RETRY_MAX_ATTEMPTS = 5;
/** Backoff before the second attempt; it doubles for each further one. */
export const RETRY_BASE_DELAY_MS = 100;
/** Backoff never exceeds this. */
export const RETRY_MAX_DELAY_MS = 5_000;

/**
 * Backoff before the next attempt after `failures` failed attempts: exponential, capped, with
 * "equal jitter" (half fixed, half random) so many streams retrying at once spread out but still
 * wait at least half the nominal delay.
 */
export function retryDelay(failures: number, random: () => number = Math.random): number {
  const nominal = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}

/** How an operation that may be retried ended. */
export type AttemptOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly error: unknown; readonly attempts: number };

/** What {@link attemptWithRetries} needs from its caller. */
export interface RetryControl {
  /** Whether this error is worth another attempt. */
  isTransient(error: unknown): boolean;
  /** Waits before the next attempt (the runtime frees the concurrency slot meanwhile). */
  wait(milliseconds: number): Promise<void>;
  /** True once retrying is pointless (a forced stop). */
  stopped(): boolean;
}

/** Runs `operation`, retrying transient failures up to {@link RETRY_MAX_ATTEMPTS} times with backoff. */
export async function attemptWithRetries<T>(
  operation: () => T | PromiseLike<T>,
  control: RetryControl,
): Promise<AttemptOutcome<T>> {
  try {
    return { ok: true, value: await operation(), attempts: 1 };
  } catch (error) {
    return retryAfterFailure(operation, control, error);
  }
}

/**
 * Goes on after a first attempt failed with `error`, exactly as {@link attemptWithRetries} would:
 * the runtime makes that first attempt itself, without a promise when the plugin answers
 * synchronously, and comes here only on failure.
 */
export async function retryAfterFailure<T>(
  operation: () => T | PromiseLike<T>,
  control: RetryControl,
  error: unknown,
): Promise<AttemptOutcome<T>> {
  let failure = error;
  for (let attempt = 1; ; attempt += 1) {
    if (attempt >= RETRY_MAX_ATTEMPTS || !control.isTransient(failure) || control.stopped()) {
      return { ok: false, error: failure, attempts: attempt };
    }
    await control.wait(retryDelay(attempt));
    if (control.stopped()) return { ok: false, error: failure, attempts: attempt };
    try {
      return { ok: true, value: await operation(), attempts: attempt + 1 };
    } catch (next) {
      failure = next;
    }
  }
}
