import { loadavg } from "node:os";
import { senderProcessesFor, stepDefaults } from "../capacity/capacity-settings.js";
import { type StepLayout, stepLayout } from "../capacity/capacity-step.js";
import {
  machineCpuSeconds,
  mainThreadCpuSeconds,
  processCpuSeconds,
  processMemory,
} from "../capacity/process-stats.js";
import type { SenderPool } from "../capacity/sender-pool.js";
import type { HopCandidate, HopCandidateName, HopCounters, HopRole } from "./hop-candidates.js";

/** Recall's frame rate per stream. */
const tickMs = 500;

/** How a pass runs. */
export interface HopPassSettings {
  readonly participants: number;
  /** Seconds between the last bot connecting and the measuring window. */
  readonly warmupSeconds: number;
  /** Length of the measuring window, a multiple of 0.5 s (whole ticks). */
  readonly windowSeconds: number;
  /** After the bots stop, how long every frame they sent may take to reach the end of the pipeline. */
  readonly drainTimeoutMs: number;
}

/** What one process of a candidate cost over the window. */
export interface HopRoleFigures {
  readonly role: HopRole;
  /** % of one core. */
  readonly cpuPercent: number;
  /** CPU ms per frame this process handled (published for ingest and nats-server, delivered otherwise). */
  readonly cpuMsPerFrame: number;
  /** The main thread's (event loop's) share of it; the rest is libuv's pool and V8's helper threads. */
  readonly mainThreadMsPerFrame: number;
  readonly frames: number;
  /** Peak resident memory of the process over its life so far (VmHWM), at the window's end. */
  readonly peakRssMiB: number;
}

/** Everything measured in one pass of one candidate. */
export interface HopPassResult {
  readonly candidate: HopCandidateName;
  readonly round: number;
  readonly layout: StepLayout;
  readonly windowSeconds: number;
  /** Frames per second over the window: offered by the plan, received, published, delivered. */
  readonly fps: {
    readonly offered: number;
    readonly received: number;
    readonly published: number;
    readonly delivered: number;
  };
  readonly roles: readonly HopRoleFigures[];
  /** % of one core: the simulated bots, the whole machine, and the rest (this harness and other work). */
  readonly cpu: { readonly senders: number; readonly machine: number; readonly other: number };
  /** Every frame of the pass, counted after the drain: sent by the bots, received, delivered. */
  readonly totals: {
    readonly sent: number;
    readonly received: number;
    readonly published: number;
    readonly delivered: number;
  };
  /** Seconds from the bots stopping until every frame was delivered. */
  readonly drainSeconds: number;
  readonly loadAverage: { readonly start: number; readonly end: number };
}

interface Snapshot {
  readonly at: number;
  readonly counters: HopCounters;
  readonly roleCpu: readonly number[];
  readonly roleMainCpu: readonly number[];
  readonly senderCpu: number;
  readonly machineBusy: number;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const sleepUntil = (epochMs: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));

async function snapshot(candidate: HopCandidate, senders: SenderPool): Promise<Snapshot> {
  const [counters, roleCpu, roleMainCpu, senderCpus, machine] = await Promise.all([
    candidate.counters(),
    Promise.all(candidate.roles.map((role) => processCpuSeconds(role.pid))),
    Promise.all(candidate.roles.map((role) => mainThreadCpuSeconds(role.pid))),
    Promise.all(senders.pids.map(processCpuSeconds)),
    machineCpuSeconds(),
  ]);
  const senderCpu = senderCpus.reduce((sum, seconds) => sum + seconds, 0);
  return { at: Date.now(), counters, roleCpu, roleMainCpu, senderCpu, machineBusy: machine.busy };
}

/**
 * Waits until every frame the bots sent was received and reached the discard sink (and, through
 * the hop, was acknowledged by JetStream); throws when that takes longer than `timeoutMs` or when
 * a frame was dropped or failed. A lost frame fails the benchmark rather than hanging it.
 *
 * The source may count a few frames more than the bots: a bot counts a frame when its socket
 * write completes, and a write still pending when the bots stop completes with an error as the
 * socket closes, though its bytes had reached the receiver. So `sent` is a floor for what was
 * received, and everything received must be published and delivered.
 */
async function drained(candidate: HopCandidate, sent: number, timeoutMs: number): Promise<HopCounters> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counters = await candidate.counters();
    if (counters.dropped + counters.errors > 0) {
      throw new Error(`${candidate.name}: ${counters.dropped} frames dropped, ${counters.errors} errors`);
    }
    const complete = counters.published === counters.received && counters.delivered === counters.received;
    if (counters.received >= sent && complete) return counters;
    if (Date.now() > deadline) {
      throw new Error(
        `${candidate.name}: frames lost: ${sent} sent, ${counters.received} received, ` +
          `${counters.published} published, ${counters.delivered} delivered ${timeoutMs} ms after the bots stopped`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Runs one pass: starts the candidate, connects the bots (one every second, realistic frames at
 * Recall's 2 fps per stream), warms up, measures every process's CPU over a window of whole ticks,
 * stops the bots, checks that every frame they sent reached the end, and stops the candidate.
 */
export async function runHopPass(
  settings: HopPassSettings,
  roundIndex: number,
  startCandidate: () => Promise<HopCandidate>,
  senders: SenderPool,
): Promise<HopPassResult> {
  const layout = stepLayout(settings.participants, stepDefaults.participantsPerBot, stepDefaults.screenshareEvery);
  const loadStart = loadavg()[0] ?? 0;
  const candidate = await startCandidate();
  try {
    const connectedAt = await senders.start(
      {
        url: candidate.url,
        token: candidate.token,
        bots: layout.bots,
        participants: layout.participantsPerBot,
        screenshare: layout.screensharesPerBot,
        duration: settings.warmupSeconds + settings.windowSeconds + 60,
      },
      senderProcessesFor(layout.offeredFps),
    );
    // As in the capacity sweep: the window starts half a tick after a tick of the first bot, once
    // the last bot has run for the warm-up, so it holds whole ticks of every bot.
    const firstTick = connectedAt[0]!;
    const ticksToWindow = Math.ceil((connectedAt.at(-1)! - firstTick + settings.warmupSeconds * 1000) / tickMs);
    const windowStart = firstTick + ticksToWindow * tickMs + tickMs / 2;
    await sleepUntil(windowStart);
    const before = await snapshot(candidate, senders);
    await sleepUntil(windowStart + settings.windowSeconds * 1000);
    const after = await snapshot(candidate, senders);
    const memory = await Promise.all(candidate.roles.map((role) => processMemory(role.pid)));
    const sent = await senders.stop();
    const stoppedAt = Date.now();
    const totals = await drained(candidate, sent.framesSent, settings.drainTimeoutMs);
    const seconds = (after.at - before.at) / 1000;
    const frames = (field: keyof HopCounters) => after.counters[field] - before.counters[field];
    const roles = candidate.roles.map((role, index): HopRoleFigures => {
      const cpuSeconds = after.roleCpu[index]! - before.roleCpu[index]!;
      const mainSeconds = after.roleMainCpu[index]! - before.roleMainCpu[index]!;
      const handled = frames(role.frames);
      return {
        role: role.role,
        cpuPercent: round((100 * cpuSeconds) / seconds, 1),
        cpuMsPerFrame: round((1000 * cpuSeconds) / handled, 3),
        mainThreadMsPerFrame: round((1000 * mainSeconds) / handled, 3),
        frames: handled,
        peakRssMiB: round(memory[index]!.peakRssBytes / 2 ** 20, 1),
      };
    });
    const rolesCpu = roles.reduce((sum, role) => sum + role.cpuPercent, 0);
    const senderPercent = (100 * (after.senderCpu - before.senderCpu)) / seconds;
    const machinePercent = (100 * (after.machineBusy - before.machineBusy)) / seconds;
    return {
      candidate: candidate.name,
      round: roundIndex,
      layout,
      windowSeconds: round(seconds),
      fps: {
        offered: layout.offeredFps,
        received: round(frames("received") / seconds, 1),
        published: round(frames("published") / seconds, 1),
        delivered: round(frames("delivered") / seconds, 1),
      },
      roles,
      cpu: {
        senders: round(senderPercent, 1),
        machine: round(machinePercent, 1),
        other: round(machinePercent - senderPercent - rolesCpu, 1),
      },
      totals: {
        sent: sent.framesSent,
        received: totals.received,
        published: totals.published,
        delivered: totals.delivered,
      },
      drainSeconds: round((Date.now() - stoppedAt) / 1000, 1),
      loadAverage: { start: round(loadStart), end: round(loadavg()[0] ?? 0) },
    };
  } finally {
    await senders.stop().catch(() => undefined);
    await candidate.stop();
  }
}
