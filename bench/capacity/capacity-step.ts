import { loadavg } from "node:os";
import { histogramDelta, histogramQuantile, shareAbove } from "./latency-histogram.js";
import {
  descendantsRssBytes,
  machineCpuSeconds,
  mainThreadCpuSeconds,
  processMemory,
  processTreeCpuSeconds,
  tryProcessCpuSeconds,
} from "./process-stats.js";
import type { ReceiverCounters, ReceiverName, ReceiverUnderTest } from "./receiver-under-test.js";
import type { SenderPool } from "./sender-pool.js";
import type { SenderCount } from "./sender-worker.js";

/** Recall's frame rate per stream. */
const framesPerSecond = 2;
const tickMs = 1000 / framesPerSecond;
const mebibyte = 2 ** 20;

/** How a step of the sweep is run and judged. */
export interface StepSettings {
  readonly participants: number;
  /** Seconds between the last bot connecting (bots join one a second) and the measuring window. */
  readonly warmupSeconds: number;
  /** Length of the measuring window; a multiple of 0.5 s so it spans whole ticks. */
  readonly windowSeconds: number;
  readonly senderProcesses: number;
  /** Most participants per bot (one bot per meeting, as on Zoom or Meet). */
  readonly participantsPerBot: number;
  /** One participant in this many also shares a screen. */
  readonly screenshareEvery: number;
  /** Sustained when frames written per second reach this share of frames offered per second. */
  readonly minimumOutputRatio: number;
  /** Sustained only when the p99 latency (receive → written) stays at or below this. */
  readonly maximumP99Seconds: number;
  /** The step ends early when the receiver's RSS passes this (an unbounded receiver under overload). */
  readonly memoryLimitBytes: number;
  /** A step during which other work used more than this (% of one core) is marked disturbed. */
  readonly maximumOtherCpuPercent: number;
}

/** The meeting layout of a step. */
export interface StepLayout {
  readonly participants: number;
  readonly bots: number;
  readonly participantsPerBot: number;
  readonly screensharesPerBot: number;
  readonly screenshares: number;
  /** Frames per second the bots are meant to send (every stream at 2 fps). */
  readonly offeredFps: number;
}

/** Everything measured in one step for one receiver. */
export interface StepResult {
  readonly receiver: ReceiverName;
  readonly layout: StepLayout;
  readonly windowSeconds: number;
  /** Frames per second: offered by the plan, sent by the bots, received, written; in the window. */
  readonly fps: {
    readonly offered: number;
    readonly sent: number;
    readonly received: number;
    readonly written: number;
  };
  readonly droppedInWindow: number;
  readonly errorsInWindow: number;
  /** Receive → written, seconds, from the histogram's bucket deltas over the window. */
  readonly latency: {
    readonly p50: number | null;
    readonly p99: number | null;
    readonly mean: number | null;
    readonly shareOver1s: number;
    /** Exact quantiles from every frame's latency, when the receiver records them (the baseline). */
    readonly exact?: { readonly p50: number | null; readonly p99: number | null };
  };
  /** CPU in % of one core over the window. */
  readonly cpu: {
    readonly receiver: number;
    /** The receiver's main thread (event loop); the rest is sharp, fs and V8's helper threads. */
    readonly receiverMainThread: number;
    /** Receiver CPU milliseconds per frame written. */
    readonly receiverMsPerFrame: number | null;
    readonly senders: number;
    /** The whole machine (200% = both cores busy). */
    readonly machine: number;
    /** Machine minus receiver and senders: this harness and the machine's other work. */
    readonly other: number;
  };
  readonly memory: {
    readonly rssStartMiB: number;
    readonly rssEndMiB: number;
    /** Peak RSS of the receiver process over its whole life (VmHWM). */
    readonly peakRssMiB: number;
    /** Peak resident memory of the processes the receiver started (the video encoders) together; 0 for none. */
    readonly descendantsPeakRssMiB: number;
    readonly growthMiBPerSecond: number;
    /** [seconds into the window, RSS MiB], about once a second. */
    readonly samples: ReadonlyArray<readonly [number, number]>;
  };
  /** Frames received and not yet written, at the window's end. */
  readonly backlogAtEnd: number;
  /** How far the bots were behind Recall's schedule at the window's end (seconds of meeting). */
  readonly senderLagSeconds: number;
  readonly senderBackpressureWaits: number;
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly sustained: boolean;
  /** Why the step was not sustained (empty when it was). */
  readonly reasons: readonly string[];
  /** Set when the step could not run to its end (crash, memory limit). */
  readonly aborted: string | null;
  /** Other work on the machine used more than `maximumOtherCpuPercent` during the window. */
  readonly disturbed: boolean;
  /** Seconds waited for the machine to be quiet before the step, and how busy it was then (% of one core). */
  readonly quietBefore?: { readonly waitedSeconds: number; readonly busyPercent: number };
}

/** Bots, participants per bot and screenshares for `participants` (at most `perBot` a bot, 1 in `every` sharing). */
export function stepLayout(participants: number, perBot: number, every: number): StepLayout {
  const bots = Math.ceil(participants / perBot);
  const participantsPerBot = Math.ceil(participants / bots);
  const screensharesPerBot = Math.max(1, Math.round(participantsPerBot / every));
  return {
    participants: bots * participantsPerBot,
    bots,
    participantsPerBot,
    screensharesPerBot,
    screenshares: bots * screensharesPerBot,
    offeredFps: bots * (participantsPerBot + screensharesPerBot) * framesPerSecond,
  };
}

interface Snapshot {
  readonly at: number;
  readonly counters: ReceiverCounters;
  readonly sender: SenderCount;
  readonly receiverCpu: number;
  readonly receiverMainCpu: number;
  readonly senderCpu: number;
  readonly machine: { busy: number; total: number };
}

const sleepUntil = (epochMs: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));

async function snapshot(receiver: ReceiverUnderTest, senders: SenderPool): Promise<Snapshot> {
  const [counters, sender, receiverCpu, receiverMainCpu, senderCpus, machine] = await Promise.all([
    receiver.counters(),
    senders.count(),
    // With its encoders, for receivers that start any (video); the same as its own CPU otherwise.
    processTreeCpuSeconds(receiver.pid),
    mainThreadCpuSeconds(receiver.pid),
    Promise.all(senders.pids.map(tryProcessCpuSeconds)),
    machineCpuSeconds(),
  ]);
  const senderCpu = senderCpus.reduce<number>((sum, seconds) => sum + (seconds ?? 0), 0);
  return { at: Date.now(), counters, sender, receiverCpu, receiverMainCpu, senderCpu, machine };
}

/** Frames the bots should have sent by `at` (epoch ms), given when each connected. */
function plannedFrames(layout: StepLayout, connectedAt: readonly number[], at: number): number {
  const perTick = layout.participantsPerBot + layout.screensharesPerBot;
  return connectedAt.reduce((sum, start) => sum + Math.max(0, Math.floor((at - start) / tickMs) + 1) * perTick, 0);
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/**
 * Runs one step: starts the receiver, connects the bots, warms up, measures over a window aligned
 * to the middle between two ticks (so it holds whole ticks), stops everything and judges the step.
 */
export async function runStep(
  settings: StepSettings,
  receiverName: ReceiverName,
  startReceiver: () => Promise<ReceiverUnderTest>,
  senders: SenderPool,
): Promise<StepResult> {
  const layout = stepLayout(settings.participants, settings.participantsPerBot, settings.screenshareEvery);
  const loadStart = loadavg()[0] ?? 0;
  const receiver = await startReceiver();
  let aborted: string | null = null;
  try {
    const connectedAt = await senders.start(
      {
        url: receiver.url,
        token: receiver.token,
        bots: layout.bots,
        participants: layout.participantsPerBot,
        screenshare: layout.screensharesPerBot,
        duration: settings.warmupSeconds + settings.windowSeconds + 60,
      },
      settings.senderProcesses,
    );
    // The window holds whole ticks of every bot (it lasts a multiple of 500 ms); it starts once
    // the last bot has run for the warm-up, half a tick after a tick of the first bot.
    const firstTick = connectedAt[0]!;
    const lastConnected = connectedAt.at(-1)!;
    const ticksToWindow = Math.ceil((lastConnected - firstTick + settings.warmupSeconds * 1000) / tickMs);
    const windowStart = firstTick + ticksToWindow * tickMs + tickMs / 2;
    const windowEnd = windowStart + settings.windowSeconds * 1000;
    await sleepUntil(windowStart);
    await receiver.startWindow();
    const before = await snapshot(receiver, senders);
    const samples: Array<readonly [number, number]> = [];
    let rssStart = 0;
    let rssEnd = 0;
    let descendantsPeak = 0;
    while (Date.now() < windowEnd) {
      const { rssBytes } = await processMemory(receiver.pid);
      descendantsPeak = Math.max(descendantsPeak, await descendantsRssBytes(receiver.pid));
      if (samples.length === 0) rssStart = rssBytes;
      rssEnd = rssBytes;
      samples.push([round((Date.now() - before.at) / 1000), round(rssBytes / mebibyte)]);
      if (rssBytes > settings.memoryLimitBytes) {
        aborted = `RSS passed ${Math.round(settings.memoryLimitBytes / mebibyte)} MiB`;
        break;
      }
      await sleepUntil(Math.min(windowEnd, Date.now() + 1000));
    }
    const after = await snapshot(receiver, senders);
    const memory = await processMemory(receiver.pid);
    const seconds = (after.at - before.at) / 1000;
    const delta = (field: keyof Pick<ReceiverCounters, "received" | "written" | "dropped" | "errors">) =>
      after.counters[field] - before.counters[field];
    const latency = histogramDelta(before.counters.latency, after.counters.latency);
    const machineBusy = after.machine.busy - before.machine.busy;
    const receiverCpu = after.receiverCpu - before.receiverCpu;
    const senderCpu = after.senderCpu - before.senderCpu;
    const fps = {
      offered: round(layout.offeredFps),
      sent: round((after.sender.framesSent - before.sender.framesSent) / seconds),
      received: round(delta("received") / seconds),
      written: round(delta("written") / seconds),
    };
    const p99 = histogramQuantile(latency, 0.99);
    const reasons: string[] = [];
    if (aborted) reasons.push(aborted);
    if (fps.written < settings.minimumOutputRatio * fps.offered) {
      reasons.push(`wrote ${((100 * fps.written) / fps.offered).toFixed(1)}% of the offered frames/s`);
    }
    if (p99 === null || shareAbove(latency, settings.maximumP99Seconds) > 0.01) {
      reasons.push(`p99 latency above ${settings.maximumP99Seconds} s`);
    }
    if (delta("dropped") + delta("errors") > 0.01 * fps.offered * seconds) reasons.push("dropped or failed frames");
    const exact = after.counters.exact;
    const otherCpu = round((100 * (machineBusy - receiverCpu - senderCpu)) / seconds);
    return {
      receiver: receiverName,
      layout,
      windowSeconds: round(seconds, 2),
      fps,
      droppedInWindow: delta("dropped"),
      errorsInWindow: delta("errors"),
      latency: {
        p50: roundOrNull(histogramQuantile(latency, 0.5)),
        p99: roundOrNull(p99),
        mean: latency.count > 0 ? round(latency.sum / latency.count, 4) : null,
        shareOver1s: round(shareAbove(latency, 1), 4),
        ...(exact ? { exact: { p50: roundOrNull(exact.p50), p99: roundOrNull(exact.p99) } } : {}),
      },
      cpu: {
        receiver: round((100 * receiverCpu) / seconds),
        receiverMainThread: round((100 * (after.receiverMainCpu - before.receiverMainCpu)) / seconds),
        receiverMsPerFrame: delta("written") > 0 ? round((1000 * receiverCpu) / delta("written"), 2) : null,
        senders: round((100 * senderCpu) / seconds),
        machine: round((100 * machineBusy) / seconds),
        other: otherCpu,
      },
      memory: {
        rssStartMiB: round(rssStart / mebibyte),
        rssEndMiB: round(rssEnd / mebibyte),
        peakRssMiB: round(memory.peakRssBytes / mebibyte),
        descendantsPeakRssMiB: round(descendantsPeak / mebibyte),
        growthMiBPerSecond: round((rssEnd - rssStart) / mebibyte / Math.max(1, samples.at(-1)?.[0] ?? 1), 2),
        samples,
      },
      backlogAtEnd: after.counters.queued ?? after.counters.received - after.counters.written,
      senderLagSeconds: round(
        (plannedFrames(layout, connectedAt, after.at) - after.sender.framesSent) / layout.offeredFps,
        2,
      ),
      senderBackpressureWaits: after.sender.backpressureWaits - before.sender.backpressureWaits,
      loadAverage: { start: round(loadStart, 2), end: round(loadavg()[0] ?? 0, 2) },
      sustained: reasons.length === 0,
      reasons,
      aborted,
      disturbed: otherCpu > settings.maximumOtherCpuPercent,
    };
  } finally {
    await senders.stop().catch(() => undefined);
    await receiver.stop(15_000);
  }
}

function roundOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value.toFixed(4));
}
