/** One macrotask turn: every pending microtask and I/O callback runs before it resolves. */
function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Resolves once `predicate` holds, checking after every event-loop turn. No timers, so a test
 * waits exactly as long as the code under test needs; rejects after `turns` turns.
 */
export async function until(predicate: () => boolean, turns = 10_000): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) {
    if (predicate()) return;
    await nextTurn();
  }
  throw new Error("condition not reached");
}

/** Lets pending microtasks and immediates run for a few turns, e.g. before checking nothing more happened. */
export async function settle(turns = 10): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) await nextTurn();
}
