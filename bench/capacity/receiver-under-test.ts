import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { LatencyHistogram } from "./latency-histogram.js";

/** Counters of a receiver, cumulative since it started. */
export interface ReceiverCounters {
  /** Frames the receiver took off the websocket. */
  readonly received: number;
  /** Frames resized and written to disk. */
  readonly written: number;
  /** Frames dropped on purpose (overflow policy) or after an error. */
  readonly dropped: number;
  readonly errors: number;
  /** Receive → written, cumulative. */
  readonly latency: LatencyHistogram;
  /** Frames accepted and not yet written (framepipe's queue depth; null when not exposed). */
  readonly queued: number | null;
  /** Exact latency quantiles (seconds) of the frames written since {@link ReceiverUnderTest.startWindow}, when recorded. */
  readonly exact?: { readonly frames: number; readonly p50: number | null; readonly p99: number | null };
}

/** The two receivers compared. */
export type ReceiverName = "framepipe" | "baseline";

/** A receiver running as a child process for one step of the sweep. */
export interface ReceiverUnderTest {
  readonly name: ReceiverName;
  readonly pid: number;
  /** Where the bots connect (the token, when any, is added by the sender). */
  readonly url: string;
  readonly token: string;
  counters(): Promise<ReceiverCounters>;
  /** Marks the start of a measuring window (for receivers that record exact latencies). */
  startWindow(): Promise<void>;
  /** Stops the process: SIGTERM, then SIGKILL after `graceMs`. Resolves with how it ended. */
  stop(graceMs: number): Promise<{ readonly exitCode: number | null; readonly killed: boolean }>;
}

/** Stops a child: SIGTERM, then SIGKILL when it has not exited after `graceMs`. */
export async function stopChild(
  child: ChildProcess,
  graceMs: number,
): Promise<{ exitCode: number | null; killed: boolean }> {
  if (child.exitCode !== null || child.signalCode !== null) return { exitCode: child.exitCode, killed: false };
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), graceMs);
  });
  const outcome = await Promise.race([exited.then(() => "exited" as const), timedOut]);
  clearTimeout(timer);
  if (outcome === "exited") return { exitCode: child.exitCode, killed: false };
  child.kill("SIGKILL");
  await exited;
  return { exitCode: child.exitCode, killed: true };
}

/** Polls `check` every 100 ms until it resolves true; throws after `timeoutMs` or when `child` exits. */
export async function waitUntil(
  check: () => Promise<boolean>,
  child: ChildProcess,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what}: the process exited with ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}
