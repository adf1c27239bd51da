import { randomUUID } from "node:crypto";
import type { FrameType } from "@framepipe/core";
import { createTestPng } from "../frame-factory.js";
import { FrameLibrary } from "../frame-library.js";
import { BotConnection } from "./bot-connection.js";
import { endpointUrl } from "./endpoint-url.js";
import type {
  BotReport,
  FakeRecallBot,
  FakeRecallBotEvent,
  FakeRecallBotOptions,
  FakeRecallBotReport,
  SimulatedBotIdentity,
} from "./fake-recall-bot-types.js";
import { type MeetingPlan, type PlannedParticipant, planMeeting } from "./meeting-plan.js";
import { SimulatedBot } from "./simulated-bot.js";
import { signUpgradeHeaders } from "./webhook-signing.js";

const defaultHighWaterBytes = 8 * 1024 * 1024;
const tinySizes: Readonly<Record<FrameType, { width: number; height: number }>> = {
  webcam: { width: 32, height: 24 },
  screenshare: { width: 64, height: 36 },
};

function requireInteger(name: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new RangeError(`[framepipe] fake Recall bot: ${name} must be an integer ≥ ${minimum}, got ${value}`);
  }
  return value;
}

function requirePositive(name: string, value: number, allowZero: boolean): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(
      `[framepipe] fake Recall bot: ${name} must be a ${allowZero ? "non-negative" : "positive"} number, got ${value}`,
    );
  }
  return value;
}

type ImageSource = (participant: PlannedParticipant, type: FrameType, counter: number) => Promise<string>;

function imageSource(options: FakeRecallBotOptions, library: FrameLibrary): ImageSource {
  const images = options.images ?? "realistic";
  if (images === "tiny") {
    return async (participant, type, counter) =>
      createTestPng({ participantId: participant.id, seq: counter, ...tinySizes[type] }).toString("base64");
  }
  if (typeof images === "function") {
    const encoded = new WeakMap<Buffer, string>();
    return async (participant, type, counter) => {
      const png = await images({ participantId: participant.id, name: participant.name, type, counter });
      let base64 = encoded.get(png);
      if (base64 === undefined) {
        base64 = png.toString("base64");
        encoded.set(png, base64);
      }
      return base64;
    };
  }
  return (participant, type, counter) =>
    library.base64({ participantId: participant.id, name: participant.name, type, counter });
}

function overallOutcome(outcomes: ReadonlyArray<BotReport["outcome"]>): FakeRecallBotReport["outcome"] {
  for (const outcome of ["running", "rejected", "failed", "stopped"] as const) {
    if (outcomes.includes(outcome)) return outcome;
  }
  return "completed";
}

/**
 * A fleet of fake Recall bots for tests, demos and load tests: each bot opens one websocket
 * connection like Recall's realtime endpoint (authenticating with `?token=` or signed
 * `webhook-*` headers) and sends a meeting as exact Recall envelopes: `participant_events.join`,
 * per-participant PNG frames (webcam, plus screenshare for the first `screenshare` participants)
 * at `fps`, a late `update` with the name of participants who joined without one, optional bad
 * messages, and `participant_events.leave` at the end. It reconnects like Recall when the
 * connection drops, respects TCP backpressure, and reports what it sent.
 *
 * @example
 * const bot = createFakeRecallBot({ url: "ws://127.0.0.1:8080/recall/", token, participants: 3, duration: 2 });
 * const report = await bot.run();
 * console.log(report.totals.framesSent);
 */
export function createFakeRecallBot(options: FakeRecallBotOptions): FakeRecallBot {
  const bots = requireInteger("bots", options.bots ?? 1, 1);
  const participants = requireInteger("participants", options.participants ?? 2, 1);
  const screenshare = requireInteger("screenshare", options.screenshare ?? 0, 0);
  if (screenshare > participants) {
    throw new RangeError(
      `[framepipe] fake Recall bot: screenshare (${screenshare}) exceeds participants (${participants})`,
    );
  }
  const lateNames = Math.min(
    participants,
    requireInteger("lateNames", options.lateNames ?? Math.floor(participants / 3), 0),
  );
  const fps = requirePositive("fps", options.fps ?? 2, false);
  const duration = requirePositive("duration", options.duration ?? 5, true);
  const startAt = requirePositive("startAt", options.startAt ?? 0, true);
  if (startAt > duration) {
    throw new RangeError(`[framepipe] fake Recall bot: startAt (${startAt}) is past the meeting's end (${duration})`);
  }
  const bad = requireInteger("bad", options.bad ?? 0, 0);
  const reconnectAttempts = requireInteger("reconnectAttempts", options.reconnectAttempts ?? 30, 0);
  const reconnectInterval = requirePositive("reconnectInterval", options.reconnectInterval ?? 3000, true);
  if (options.secret !== undefined && !options.secret.startsWith("whsec_")) {
    throw new TypeError("[framepipe] fake Recall bot: secret must be a Recall verification secret (whsec_…)");
  }
  const endpoint = endpointUrl(options.url, options.token);
  const plan: MeetingPlan = planMeeting({ participants, screenshare, lateNames, fps, duration, bad });
  const library = options.library ?? new FrameLibrary({ framesPerStream: 4 });
  const image = imageSource(options, library);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) controller.abort();
  const warnings: string[] = [];
  const emit = (event: FakeRecallBotEvent): void => {
    if (event.type === "warning") warnings.push(event.message);
    options.onEvent?.(event);
  };
  const secret = options.secret;
  const headers = (): Record<string, string> =>
    secret === undefined
      ? {}
      : signUpgradeHeaders({
          secret,
          style: options.signatureHeaders ?? "webhook",
          timestampOffsetSeconds: options.signatureTimestampOffset ?? 0,
        });

  const firstTick = Math.min(plan.ticks, Math.round(startAt * fps));
  const identities: SimulatedBotIdentity[] = Array.from({ length: bots }, (_, index) => ({
    index,
    botId: options.identities?.[index]?.botId ?? randomUUID(),
    recordingId: options.identities?.[index]?.recordingId ?? randomUUID(),
  }));
  const connections = identities.map(
    (identity) =>
      new BotConnection({
        url: endpoint.url,
        headers,
        reconnectAttempts,
        reconnectIntervalMs: reconnectInterval,
        retryRejectedHandshakes: options.retryRejectedHandshakes ?? false,
        highWaterBytes: options.highWaterBytes ?? defaultHighWaterBytes,
        signal: controller.signal,
        onEvent: (event) => emit({ ...event, bot: identity.index }),
      }),
  );
  const simulated = identities.map(
    (identity, index) =>
      new SimulatedBot({
        identity,
        plan,
        firstTick,
        rate: options.rate ?? "realtime",
        connection: connections[index] as BotConnection,
        image,
        signal: controller.signal,
        onEvent: emit,
      }),
  );

  let startedAt: number | null = null;
  let finishedAt: number | null = null;
  let running: Promise<FakeRecallBotReport> | null = null;

  const report = (): FakeRecallBotReport => {
    const reports = simulated.map((bot) => bot.report());
    const sum = (field: keyof BotReport): number => reports.reduce((total, bot) => total + (bot[field] as number), 0);
    const end = finishedAt ?? performance.now();
    return {
      outcome:
        running === null
          ? controller.signal.aborted
            ? "stopped"
            : "running"
          : overallOutcome(reports.map((bot) => bot.outcome)),
      bots: reports,
      totals: {
        messagesSent: sum("messagesSent"),
        framesSent: sum("framesSent"),
        participantEventsSent: sum("participantEventsSent"),
        badMessagesSent: sum("badMessagesSent"),
        bytesSent: sum("bytesSent"),
        lostMessages: sum("lostMessages"),
        skippedFrames: sum("skippedFrames"),
        reconnects: sum("reconnects"),
        backpressureWaits: sum("backpressureWaits"),
      },
      framesPlannedPerBot: (plan.ticks - firstTick) * plan.framesPerTick,
      durationMs: startedAt === null ? 0 : Math.round(end - startedAt),
      warnings: [...warnings],
    };
  };

  const run = async (): Promise<FakeRecallBotReport> => {
    if (endpoint.warning !== null) emit({ type: "warning", bot: null, message: endpoint.warning });
    if ((options.images ?? "realistic") === "realistic" && !controller.signal.aborted) {
      // Rendering up front keeps realtime pacing honest: a first render can take 100 ms.
      const describe = (participant: PlannedParticipant) => ({ participantId: participant.id, name: participant.name });
      await library.prepare(plan.participants.map(describe), ["webcam"]);
      await library.prepare(plan.participants.filter((participant) => participant.screenshare).map(describe), [
        "screenshare",
      ]);
    }
    // The clock starts with the meeting, after rendering, so rates in the report are the bots' own.
    startedAt = performance.now();
    await Promise.all(simulated.map((bot) => bot.run()));
    finishedAt = performance.now();
    options.signal?.removeEventListener("abort", onAbort);
    return report();
  };

  return {
    identities,
    run() {
      running ??= run();
      return running;
    },
    async stop() {
      controller.abort();
      await Promise.all(connections.map((connection) => connection.close(1000, "stopped")));
      return running ?? report();
    },
    report,
  };
}
