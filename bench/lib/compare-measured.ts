import { type Pass, summarise, type Throughput } from "./measure.js";

/** One measured pass, timed by the candidate itself (setup and teardown left out). */
export interface MeasuredPass extends Pass {
  /** CPU seconds (user + system) this process spent inside the timed window, when measured. */
  readonly cpuSeconds?: number;
}

/** Throughput of a candidate, with the CPU share of this process while it ran. */
export interface MeasuredThroughput extends Throughput {
  /** Median over passes of CPU seconds per wall second (1 = one core busy), when measured. */
  readonly processCpu?: number;
  /**
   * Median over passes of this process's CPU milliseconds per item, when measured: the figure
   * least disturbed by other processes competing for the cores.
   */
  readonly cpuMillisecondsPerItem?: number;
  /** Every pass, for the record. */
  readonly perPass: readonly MeasuredPass[];
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Like `compare` in measure.ts, alternating the candidates pass by pass after a warm-up, but each
 * candidate times its own pass: starting a server, creating a pipeline or cleaning a folder stays
 * outside the measured window.
 */
export async function compareMeasured(
  candidates: Record<string, () => Promise<MeasuredPass>>,
  options: { warmup: number; passes: number; onPass?: (name: string, pass: MeasuredPass) => void },
): Promise<Record<string, MeasuredThroughput>> {
  const names = Object.keys(candidates);
  for (let round = 0; round < options.warmup; round += 1) {
    for (const name of names) await candidates[name]!();
  }
  const passes = new Map<string, MeasuredPass[]>(names.map((name) => [name, []]));
  for (let round = 0; round < options.passes; round += 1) {
    for (const name of names) {
      const pass = await candidates[name]!();
      options.onPass?.(name, pass);
      passes.get(name)!.push(pass);
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const measured = passes.get(name)!;
      const timed = measured.filter((pass) => pass.cpuSeconds !== undefined);
      const cpu = timed.map((pass) => pass.cpuSeconds! / pass.seconds);
      const cpuPerItem = timed.map((pass) => (pass.cpuSeconds! * 1000) / pass.items);
      const figure: MeasuredThroughput = {
        ...summarise(measured),
        ...(cpu.length > 0 ? { processCpu: median(cpu), cpuMillisecondsPerItem: median(cpuPerItem) } : {}),
        perPass: measured,
      };
      return [name, figure];
    }),
  );
}

/** Starts a timed window: call the returned function at its end for seconds and CPU seconds. */
export function startWindow(): () => { seconds: number; cpuSeconds: number } {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return {
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      cpuSeconds: (used.user + used.system) / 1e6,
    };
  };
}

/** framepipe's throughput over the baseline's (frames per second). */
export function throughputRatio(results: Record<string, Throughput>, framepipe: string, baseline: string): number {
  return results[framepipe]!.itemsPerSecond / results[baseline]!.itemsPerSecond;
}

/**
 * The median over rounds of framepipe's frames/s over the baseline's in the same round. The
 * candidates of one round run back to back, so this pairs passes that met the same machine
 * conditions: steadier than {@link throughputRatio} when other processes come and go.
 */
export function pairedRatio(results: Record<string, MeasuredThroughput>, framepipe: string, baseline: string): number {
  const ours = results[framepipe]!.perPass;
  const theirs = results[baseline]!.perPass;
  const ratios = ours.map((pass, round) => {
    const other = theirs[round]!;
    return pass.items / pass.seconds / (other.items / other.seconds);
  });
  return median(ratios);
}

/**
 * CPU efficiency of framepipe relative to the baseline: the baseline's CPU per item over
 * framepipe's (1 = the same CPU per frame; 0.9 = framepipe spends 11% more). Null when not measured.
 */
export function cpuRatio(
  results: Record<string, MeasuredThroughput>,
  framepipe: string,
  baseline: string,
): number | null {
  const ours = results[framepipe]!.cpuMillisecondsPerItem;
  const theirs = results[baseline]!.cpuMillisecondsPerItem;
  return ours === undefined || theirs === undefined ? null : theirs / ours;
}

/** Prints one line per candidate: frames/s, MB/s, CPU share of this process and CPU per frame. */
export function printFigures(title: string, results: Record<string, MeasuredThroughput>): void {
  console.log(title);
  console.table(
    Object.entries(results).map(([name, figure]) => ({
      name,
      "frames/s": figure.itemsPerSecond.toFixed(0),
      "MB/s": figure.megabytesPerSecond.toFixed(1),
      ...(figure.processCpu === undefined ? {} : { "process CPU": figure.processCpu.toFixed(2) }),
      ...(figure.cpuMillisecondsPerItem === undefined
        ? {}
        : { "CPU ms/frame": figure.cpuMillisecondsPerItem.toFixed(figure.cpuMillisecondsPerItem < 1 ? 3 : 2) }),
    })),
  );
}

/** framepipe against a baseline, three ways. */
export interface Ratios {
  /** framepipe's median frames/s over the baseline's: the headline figure, compared with the target. */
  readonly ratio: number;
  /** Median of per-round ratios (see {@link pairedRatio}). */
  readonly pairedRatio: number;
  /** The baseline's CPU per frame over framepipe's (see {@link cpuRatio}). */
  readonly cpuRatio: number | null;
}

/** Computes {@link Ratios} and prints them on one line beside the target. */
export function reportRatios(
  results: Record<string, MeasuredThroughput>,
  framepipe: string,
  baseline: string,
  target: number | null,
): Ratios & { readonly line: string } {
  const ratios = {
    ratio: throughputRatio(results, framepipe, baseline),
    pairedRatio: pairedRatio(results, framepipe, baseline),
    cpuRatio: cpuRatio(results, framepipe, baseline),
  };
  const verdict =
    target === null ? "" : ` (target ≥ ${target.toFixed(2)}: ${ratios.ratio >= target ? "met" : "NOT met"})`;
  const line =
    `${framepipe} / ${baseline}: ${ratios.ratio.toFixed(3)} frames/s${verdict}; ` +
    `per-round median ${ratios.pairedRatio.toFixed(3)}; by CPU per frame ${ratios.cpuRatio?.toFixed(3) ?? "n/a"}`;
  console.log(line);
  return { ...ratios, line };
}
