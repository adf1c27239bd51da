/**
 * Attempts of a failing write or transform, the first one included, while its error is transient,
 * unless a sink's `retryFor` bounds its retries by time instead.
 */
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

/**
 * The wait before the next attempt of an operation whose error is transient, or null to give up.
 * `failures` attempts failed so far; the failure began `elapsed` milliseconds ago. With
 * `retryFor` 0, attempts stop at {@link RETRY_MAX_ATTEMPTS}; otherwise they go on until
 * `retryFor` milliseconds have passed (a sink waiting for a full disk to be freed), and a wait
 * never runs past that end, so the last attempt happens at it.
 */
export function nextRetryDelay(
  failures: number,
  elapsed: number,
  retryFor: number,
  random: () => number = Math.random,
): number | null {
  const delay = retryDelay(failures, random);
  if (retryFor <= 0) return failures < RETRY_MAX_ATTEMPTS ? delay : null;
  const remaining = retryFor - elapsed;
  return remaining > 0 ? Math.min(delay, remaining) : null;
}
