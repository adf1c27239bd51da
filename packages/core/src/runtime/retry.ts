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
