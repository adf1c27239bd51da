import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** The repository root: the demo writes under `<root>/demo-output` by default. */
export const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** What the demo runs. */
export interface DemoOptions {
  /** Seconds of simulated meeting. */
  readonly duration: number;
  readonly participants: number;
  /** How many participants also share a screen. */
  readonly screenshare: number;
  /** Folder for everything the demo writes (frames, pipeline logs); emptied first. */
  readonly output: string;
}

const usage =
  "usage: tsx examples/demo/run-demo.ts [--duration 15] [--participants 3] [--screenshare 1] [--output demo-output]";

function positiveNumber(name: string, value: string | undefined, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new Error(`--${name}: expected a ${integer ? "whole " : ""}number > 0, got "${value}"\n${usage}`);
  }
  return number;
}

/** Parses the demo's command line (`FRAMEPIPE_DEMO_DURATION` also sets the duration). */
export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: "string" },
      participants: { type: "string" },
      screenshare: { type: "string" },
      output: { type: "string" },
    },
    strict: true,
  });
  const participants = positiveNumber("participants", values.participants, 3, true);
  const screenshare =
    values.screenshare === "0" ? 0 : positiveNumber("screenshare", values.screenshare, Math.min(1, participants), true);
  if (screenshare > participants) throw new Error(`--screenshare (${screenshare}) exceeds --participants\n${usage}`);
  return {
    duration: positiveNumber("duration", values.duration ?? process.env.FRAMEPIPE_DEMO_DURATION, 15, false),
    participants,
    screenshare,
    output: resolve(repositoryRoot, values.output ?? "demo-output"),
  };
}
