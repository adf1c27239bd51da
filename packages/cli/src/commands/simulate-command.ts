import {
  type BotReport,
  createFakeRecallBot,
  type FakeRecallBotEvent,
  type FakeRecallBotReport,
  redactUrl,
} from "@framepipe/testing";
import { InvalidArgumentError } from "commander";
import type { CliOutput } from "../cli-output.js";

/** Options of `framepipe simulate`, as parsed by commander. */
export interface SimulateCommandOptions {
  readonly participants: number;
  readonly fps: number;
  readonly duration: number;
  readonly screenshare: number;
  readonly bots: number;
  readonly rate: "realtime" | "max";
  readonly token?: string;
  readonly secret?: string;
  readonly bad: number;
  readonly images: "realistic" | "tiny";
}

/** Extra settings for running the command from code (tests, embedding). */
export interface SimulateCommandSettings {
  /** Stops the simulation early, like Ctrl-C. */
  readonly signal?: AbortSignal;
  /** Milliseconds between progress lines. Default 1000. */
  readonly progressInterval?: number;
}

/** A commander parser for an integer option of at least `minimum`. */
export function integerOption(minimum: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < minimum) {
      throw new InvalidArgumentError(`expected a whole number ≥ ${minimum}, got "${value}"`);
    }
    return number;
  };
}

/** A commander parser for a number option above 0 (or ≥ 0 with `allowZero`). */
export function numberOption(allowZero: boolean): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (value.trim() === "" || !Number.isFinite(number) || number < 0 || (!allowZero && number === 0)) {
      throw new InvalidArgumentError(`expected a number ${allowZero ? "≥ 0" : "> 0"}, got "${value}"`);
    }
    return number;
  };
}

/** A commander parser accepting one of `choices`. */
export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(", ")}, got "${value}"`);
    }
    return value as T;
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function describeEvent(event: FakeRecallBotEvent): string | null {
  const bot = "bot" in event && event.bot !== null ? `bot ${event.bot + 1}: ` : "";
  switch (event.type) {
    case "connected":
      return `${bot}${event.reconnect ? "reconnected" : "connected"}`;
    case "disconnected":
      return event.code === 1000
        ? null
        : `${bot}connection closed (${event.code}${event.reason ? ` ${event.reason}` : ""})`;
    case "rejected":
      return `${bot}handshake rejected: HTTP ${event.statusCode}${event.body ? ` (${event.body})` : ""}`;
    case "connect-failed":
      return `${bot}connection failed: ${event.error}`;
    case "retrying":
      return `${bot}retrying in ${(event.inMs / 1000).toFixed(1)} s (${event.attempt}/${event.attempts})`;
    case "gave-up":
      return `${bot}gave up after ${event.attempts} retries`;
    case "warning":
      return `warning: ${event.message}`;
    default:
      return null;
  }
}

function botLine(bot: BotReport): string {
  return (
    `  bot ${bot.index + 1} (bot ${bot.botId}, recording ${bot.recordingId}): ${bot.outcome}, ` +
    `${bot.framesSent} frames, ${bot.participantEventsSent} participant events, ${bot.badMessagesSent} bad, ` +
    `${megabytes(bot.bytesSent)}, ${bot.reconnects} reconnects`
  );
}

function printReport(report: FakeRecallBotReport, output: CliOutput): void {
  const seconds = report.durationMs / 1000;
  const totals = report.totals;
  const planned = report.framesPlannedPerBot * report.bots.length;
  output.out(`simulate: ${report.outcome} in ${seconds.toFixed(1)} s`);
  for (const bot of report.bots) output.out(botLine(bot));
  output.out(
    `  total: ${totals.framesSent}/${planned} frames, ${totals.participantEventsSent} participant events, ` +
      `${totals.badMessagesSent} bad messages, ${totals.messagesSent} messages, ${megabytes(totals.bytesSent)}, ` +
      `${seconds > 0 ? (totals.framesSent / seconds).toFixed(1) : "0"} frames/s, ${totals.reconnects} reconnects, ` +
      `${totals.lostMessages} lost, ${totals.skippedFrames} skipped, ${totals.backpressureWaits} backpressure waits`,
  );
}

function failureMessage(report: FakeRecallBotReport): string {
  const rejected = report.bots.flatMap((bot) => bot.rejectedHandshakes);
  const first = rejected[0];
  if (report.outcome === "rejected" && first !== undefined) {
    const hint =
      first.statusCode === 401 ? ": check --token / --secret" : first.statusCode === 404 ? ": check the URL path" : "";
    return `error: the receiver rejected the websocket handshake with HTTP ${first.statusCode}${first.body ? ` (${first.body})` : ""}${hint}`;
  }
  if (report.outcome === "stopped") return "simulate: stopped before the meeting ended";
  const reason = report.bots.find((bot) => bot.lastError !== null)?.lastError;
  return `error: could not keep the connection to the receiver${reason ? ` (${reason})` : ""}`;
}

/**
 * `framepipe simulate <ws-url>`: fake Recall bots sending a meeting to a receiver, with progress
 * lines and a final report. Exit 0 when every bot completed, 1 when a handshake was refused or a
 * connection could not be kept, 130 when interrupted.
 */
export async function simulateCommand(
  url: string,
  options: SimulateCommandOptions,
  output: CliOutput,
  settings: SimulateCommandSettings = {},
): Promise<number> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  settings.signal?.addEventListener("abort", onSignal, { once: true });
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let timer: NodeJS.Timeout | undefined;
  try {
    const bot = createFakeRecallBot({
      url,
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.secret === undefined ? {} : { secret: options.secret }),
      bots: options.bots,
      participants: options.participants,
      screenshare: options.screenshare,
      fps: options.fps,
      duration: options.duration,
      rate: options.rate,
      bad: options.bad,
      images: options.images,
      signal: controller.signal,
      onEvent: (event) => {
        const line = describeEvent(event);
        if (line === null) return;
        if (event.type === "rejected" || event.type === "connect-failed" || event.type === "warning")
          output.error(line);
        else output.out(line);
      },
    });
    const shownUrl = redactUrl(url);
    output.out(
      `simulate: ${options.bots} bot(s) × ${options.participants} participant(s)` +
        `${options.screenshare > 0 ? ` (${options.screenshare} sharing a screen)` : ""}, ${options.fps} fps, ` +
        `${options.duration} s, rate ${options.rate}${options.bad > 0 ? `, ${options.bad} bad messages per bot` : ""} → ${shownUrl}`,
    );
    if (options.images === "realistic") output.out("simulate: rendering realistic frames…");
    let lastFrames = -1;
    timer = setInterval(() => {
      const report = bot.report();
      const totals = report.totals;
      if (totals.framesSent === lastFrames) return;
      lastFrames = totals.framesSent;
      output.out(
        `  ${(report.durationMs / 1000).toFixed(0)} s: ${totals.framesSent}/${report.framesPlannedPerBot * report.bots.length} frames, ` +
          `${megabytes(totals.bytesSent)}, ${totals.reconnects} reconnects`,
      );
    }, settings.progressInterval ?? 1000);
    timer.unref();
    const report = await bot.run();
    clearInterval(timer);
    printReport(report, output);
    if (report.outcome === "completed") return 0;
    output.error(failureMessage(report));
    return report.outcome === "stopped" ? 130 : 1;
  } catch (error) {
    output.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    clearInterval(timer);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    settings.signal?.removeEventListener("abort", onSignal);
  }
}
