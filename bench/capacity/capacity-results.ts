import type { SweepSettings } from "./capacity-settings.js";
import type { StepResult } from "./capacity-step.js";
import type { ReceiverName } from "./receiver-under-test.js";

/** What the sweep found for one receiver. */
export interface ReceiverVerdict {
  /** The largest N sustained before the first unsustained step (0 when even the first failed). */
  readonly maxSustained: number;
  /** The first N not sustained (null when every step was). */
  readonly firstUnsustained: number | null;
}

/** The whole result, as written to results/capacity.json. */
export interface CapacityResults {
  readonly settings: SweepSettings;
  readonly verdicts: Readonly<Record<ReceiverName, ReceiverVerdict>>;
  /** Every attempt of the sweep, in the order run (a retried step appears twice). */
  readonly steps: readonly StepResult[];
  /** Both receivers at the same overloaded N with a longer window: the memory behaviour. */
  readonly overload: readonly StepResult[];
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  readonly seconds: number;
  readonly stoppedByBudget: boolean;
  readonly setup: string;
}
