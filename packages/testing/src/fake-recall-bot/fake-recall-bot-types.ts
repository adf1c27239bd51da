import type { FrameType } from "@framepipe/core";
import type { FrameLibrary } from "../frame-library.js";
import type { BotConnectionEvent, RejectedHandshake } from "./bot-connection.js";
import type { SignatureHeaderStyle } from "./webhook-signing.js";

/** Which frame image a bot needs: participant, stream type and the frame's number in its stream. */
export interface FrameImageRequest {
  readonly participantId: number;
  /** The participant's final name (frames sent before the late name arrives use it too). */
  readonly name: string;
  readonly type: FrameType;
  readonly counter: number;
}

/** Options of {@link createFakeRecallBot}. */
export interface FakeRecallBotOptions {
  /** The receiver's websocket URL, e.g. `ws://127.0.0.1:8080/recall/`. */
  readonly url: string;
  /** Appended as `?token=` (Recall's query-token authentication). */
  readonly token?: string;
  /** `whsec_…` verification secret: the upgrade carries signed `webhook-*` headers. */
  readonly secret?: string;
  /** `webhook` (default) or `svix` header names. */
  readonly signatureHeaders?: SignatureHeaderStyle;
  /** Shifts the signature timestamp by this many seconds (e.g. -600 for an expired one). Default 0. */
  readonly signatureTimestampOffset?: number;
  /** Bots, one websocket connection each, each its own recording. Default 1. */
  readonly bots?: number;
  /** Participants per bot, each sending a webcam stream. Default 2. */
  readonly participants?: number;
  /** How many of them also share a screen. Default 0. */
  readonly screenshare?: number;
  /** Frames per second per stream. Default 2, as Recall sends. */
  readonly fps?: number;
  /** Seconds of meeting to simulate; the bot sends `round(duration × fps)` frames per stream. Default 5. */
  readonly duration?: number;
  /**
   * Seconds into the meeting to begin at, to send the rest of a meeting that an earlier fleet began
   * (with its `identities`): ticks before `round(startAt × fps)` are not sent, frames keep their
   * place in the meeting (`relative`, images), participants join again at `startAt`, and a late
   * name given before it is known from the start. Default 0.
   */
  readonly startAt?: number;
  /**
   * Bot and recording ids, one per bot in order (e.g. an earlier fleet's `identities`, to continue
   * its recordings with `startAt`). Bots beyond the list get random ids. Default: random ids.
   */
  readonly identities?: ReadonlyArray<Pick<SimulatedBotIdentity, "botId" | "recordingId">>;
  /**
   * `realtime` (default): frames go out on Recall's schedule. `max`: as fast as the receiver
   * takes them (load tests). Both wait for the send window: a slow receiver delays the bot.
   */
  readonly rate?: "realtime" | "max";
  /** Malformed messages to mix in per bot, spread over the meeting. Default 0. */
  readonly bad?: number;
  /**
   * Participants whose name arrives late: they join and send their first frames with name
   * `null`, then a `participant_events.update` gives the name. Default `floor(participants / 3)`.
   */
  readonly lateNames?: number;
  /**
   * Frame images: `realistic` (default; a {@link FrameLibrary} at Recall's sizes, rendered once
   * per slot), `tiny` (small test PNGs, instant), or a function returning PNG bytes.
   */
  readonly images?: "realistic" | "tiny" | ((request: FrameImageRequest) => Buffer | Promise<Buffer>);
  /** Library for `realistic` images; share one between bots and runs to render once. */
  readonly library?: FrameLibrary;
  /** Retries after a drop or failed handshake. Default 30, as Recall. */
  readonly reconnectAttempts?: number;
  /** Milliseconds between retries. Default 3000, as Recall. */
  readonly reconnectInterval?: number;
  /**
   * Retry refused handshakes (401, 404, …) like Recall does. Default false: a wrong token fails
   * at once instead of after 30 retries.
   */
  readonly retryRejectedHandshakes?: boolean;
  /** Bytes handed to ws but not yet written before the bot waits. Default 8 MiB. */
  readonly highWaterBytes?: number;
  /** Called for connection changes, backpressure, ticks and warnings (progress output, tests). */
  readonly onEvent?: (event: FakeRecallBotEvent) => void;
  /** Aborting it stops the bots like {@link FakeRecallBot.stop}. */
  readonly signal?: AbortSignal;
}

/** Something that happened to one bot. */
export type FakeRecallBotEvent =
  | (BotConnectionEvent & { readonly bot: number })
  | { readonly type: "tick"; readonly bot: number; readonly tick: number; readonly ticks: number }
  | { readonly type: "warning"; readonly bot: number | null; readonly message: string }
  /** Every planned message was written to the socket; the bot now closes the connection. */
  | { readonly type: "sent"; readonly bot: number; readonly messages: number }
  | { readonly type: "finished"; readonly bot: number; readonly outcome: BotOutcome };

/**
 * How a bot ended: `completed` (every planned message went out and it closed with 1000),
 * `rejected` (a handshake was refused), `failed` (the connection could not be kept: retries
 * spent), `stopped` (by `stop()` or the signal).
 */
export type BotOutcome = "completed" | "rejected" | "failed" | "stopped";

/** The identity of one simulated bot. */
export interface SimulatedBotIdentity {
  /** 0-based position in the fleet. */
  readonly index: number;
  readonly botId: string;
  readonly recordingId: string;
}

/** Counters of one bot. "Sent" means ws wrote the message to the socket. */
export interface BotReport extends SimulatedBotIdentity {
  /** `running` until the bot ends. */
  readonly outcome: BotOutcome | "running";
  readonly messagesSent: number;
  readonly framesSent: number;
  readonly participantEventsSent: number;
  readonly badMessagesSent: number;
  readonly bytesSent: number;
  /** Handed to ws but lost when the connection dropped. */
  readonly lostMessages: number;
  /** Realtime frames not sent because the connection was down at their time (Recall does not replay). */
  readonly skippedFrames: number;
  readonly reconnects: number;
  readonly connectAttempts: number;
  readonly rejectedHandshakes: readonly RejectedHandshake[];
  /** Sends that waited for the receiver (TCP backpressure). */
  readonly backpressureWaits: number;
  /** Largest `bufferedAmount` of the ws socket seen after a send. */
  readonly maxBufferedAmount: number;
  readonly lastClose: { readonly code: number; readonly reason: string } | null;
  readonly lastError: string | null;
}

/** What a run of the fake bots did. */
export interface FakeRecallBotReport {
  /**
   * `completed` only when every bot completed; otherwise, in this order, `running` (some bot has
   * not ended yet), `rejected`, `failed`, `stopped` when any bot ended so.
   */
  readonly outcome: BotOutcome | "running";
  readonly bots: readonly BotReport[];
  readonly totals: {
    readonly messagesSent: number;
    readonly framesSent: number;
    readonly participantEventsSent: number;
    readonly badMessagesSent: number;
    readonly bytesSent: number;
    readonly lostMessages: number;
    readonly skippedFrames: number;
    readonly reconnects: number;
    readonly backpressureWaits: number;
  };
  /** Frames planned per bot: `(round(duration × fps) − round(startAt × fps)) × (participants + screenshare)`. */
  readonly framesPlannedPerBot: number;
  /** Milliseconds from the bots starting (after frames were rendered) to the end, or to now while running. */
  readonly durationMs: number;
  readonly warnings: readonly string[];
}

/** A fleet of fake Recall bots. */
export interface FakeRecallBot {
  /** Every bot's ids, known before it connects. */
  readonly identities: readonly SimulatedBotIdentity[];
  /** Connects every bot and sends the meeting; resolves when all have ended. Calling it again returns the same run. */
  run(): Promise<FakeRecallBotReport>;
  /** Ends every bot now (close 1000) and resolves with the report. */
  stop(): Promise<FakeRecallBotReport>;
  /** Counters so far. */
  report(): FakeRecallBotReport;
}
