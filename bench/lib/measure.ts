/** One timed pass over a workload. */
export interface Pass {
  readonly seconds: number;
  readonly items: number;
  readonly bytes: number;
}

/** Throughput figures of several passes (median of per-pass rates). */
export interface Throughput {
  readonly itemsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly passes: number;
}

/** Runs `run` and times it with the monotonic clock. */
export async function timePass(run: () => Promise<{ items: number; bytes: number }>): Promise<Pass> {
  const started = process.hrtime.bigint();
  const { items, bytes } = await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, items, bytes };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median throughput over passes. */
export function summarise(passes: readonly Pass[]): Throughput {
  return {
    itemsPerSecond: median(passes.map((pass) => pass.items / pass.seconds)),
    megabytesPerSecond: median(passes.map((pass) => pass.bytes / 2 ** 20 / pass.seconds)),
    passes: passes.length,
  };
}

/**
 * Alternates the candidates pass by pass (A, B, A, B, …) after a warm-up, so that noise from the
 * machine (other processes, CPU frequency) falls on both alike.
 */
export async function compare(
  candidates: Record<string, () => Promise<{ items: number; bytes: number }>>,
  options: { warmup: number; passes: number },
): Promise<Record<string, Throughput>> {
  const names = Object.keys(candidates);
  for (let round = 0; round < options.warmup; round += 1) {
    for (const name of names) await candidates[name]!();
  }
  const passes = new Map<string, Pass[]>(names.map((name) => [name, []]));
  for (let round = 0; round < options.passes; round += 1) {
    for (const name of names) passes.get(name)!.push(await timePass(candidates[name]!));
  }
  return Object.fromEntries(names.map((name) => [name, summarise(passes.get(name)!)]));
}
