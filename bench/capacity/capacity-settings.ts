import type { StepSettings } from "./capacity-step.js";

/** How a sweep runs. */
export interface SweepSettings {
  readonly quick: boolean;
  /** Participant counts tried in order (a receiver stops at its first unsustained step). */
  readonly steps: readonly number[];
  readonly step: Omit<StepSettings, "participants" | "senderProcesses">;
  /** Retry an unsustained step once before giving up on the receiver (machine noise). */
  readonly retryFailures: boolean;
  /**
   * Before each step, wait up to this many seconds for the shared machine to be quiet; an
   * unsustained step that other work disturbed is run again (at most twice) without counting.
   */
  readonly quietWaitSeconds: number;
  /** After the sweep, run both receivers at 1.5 × the later first unsustained N, with this window (0: skip). */
  readonly overloadWindowSeconds: number;
  /** No new step starts after this many seconds. */
  readonly budgetSeconds: number;
  /** Write results/capacity.json, RESULTS.md and capacity.svg. */
  readonly write: boolean;
  readonly receivers: ReadonlyArray<"framepipe" | "baseline">;
  /** `--profile DIR`: every receiver process writes a V8 CPU profile there (null: none). */
  readonly profileDir: string | null;
  /** `--runtime key=value,…`: extra settings of framepipe's `runtime:` section (default: none, every default kept). */
  readonly framepipeRuntime: Readonly<Record<string, string>>;
}

/** How every step is laid out and judged, in the sweep and at fixed loads alike. */
export const stepDefaults = {
  participantsPerBot: 16,
  screenshareEvery: 8,
  minimumOutputRatio: 0.97,
  maximumP99Seconds: 1,
  memoryLimitBytes: 6 * 2 ** 30,
  maximumOtherCpuPercent: 20,
} as const;

/**
 * Parses `--quick`, `--steps 8,16,32`, `--only framepipe|baseline`, `--window S`, `--warmup S`,
 * `--no-write`, `--profile DIR` and `--runtime key=value,…`.
 */
export function parseSweepArguments(argv: readonly string[]): SweepSettings {
  const quick = argv.includes("--quick");
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index === -1 ? undefined : argv[index + 1];
  };
  const steps = value("--steps")
    ?.split(",")
    .map((step) => Number(step.trim()))
    .filter((step) => Number.isInteger(step) && step > 0);
  const only = value("--only");
  if (only !== undefined && only !== "framepipe" && only !== "baseline") {
    throw new Error(`--only takes framepipe or baseline, got ${only}`);
  }
  const window = Number(value("--window") ?? (quick ? 6 : 12));
  const warmup = Number(value("--warmup") ?? (quick ? 3 : 5));
  if (!(window >= 1 && Number.isInteger(window * 2)) || !(warmup >= 0)) {
    throw new Error("--window takes a multiple of 0.5 s (≥ 1) and --warmup a number of seconds");
  }
  return {
    quick,
    steps:
      steps && steps.length > 0 ? steps : quick ? [8, 24] : [8, 16, 32, 40, 48, 56, 64, 72, 80, 96, 112, 128, 160, 192],
    step: { ...stepDefaults, warmupSeconds: warmup, windowSeconds: window },
    retryFailures: !quick,
    quietWaitSeconds: quick ? 0 : 90,
    overloadWindowSeconds: quick ? 0 : 30,
    budgetSeconds: quick ? 120 : 14 * 60,
    write: !quick && !argv.includes("--no-write"),
    receivers: only ? [only] : ["framepipe", "baseline"],
    profileDir: value("--profile") ?? null,
    framepipeRuntime: Object.fromEntries(
      (value("--runtime") ?? "")
        .split(",")
        .filter((pair) => pair.includes("="))
        .map((pair) => [pair.slice(0, pair.indexOf("=")).trim(), pair.slice(pair.indexOf("=") + 1).trim()]),
    ),
  };
}

/** Sender processes for a step: one worker builds each message's JSON (2–4 ms of CPU a frame). */
export function senderProcessesFor(offeredFps: number): number {
  return offeredFps > 160 ? 2 : 1;
}
