import type { FrameType } from "@framepipe/core";
import type { EnvelopeOptions } from "../recall-envelope.js";
import { type ParticipantInput, participantEventMessage, videoFrameMessage } from "../recall-messages.js";
import { badMessage } from "./bad-messages.js";
import { type BotConnection, sleep } from "./bot-connection.js";
import type { BotOutcome, BotReport, FakeRecallBotEvent, SimulatedBotIdentity } from "./fake-recall-bot-types.js";
import type { MeetingPlan, PlannedParticipant } from "./meeting-plan.js";

/** What one simulated bot is made of. */
export interface SimulatedBotSettings {
  readonly identity: SimulatedBotIdentity;
  readonly plan: MeetingPlan;
  /** The first tick to send: later than 0 when continuing a meeting an earlier bot began. */
  readonly firstTick: number;
  readonly rate: "realtime" | "max";
  readonly connection: BotConnection;
  /** Base64 PNG for a frame. */
  readonly image: (participant: PlannedParticipant, type: FrameType, counter: number) => Promise<string>;
  readonly signal: AbortSignal;
  readonly onEvent: (event: FakeRecallBotEvent) => void;
}

type MessageKind = "frame" | "participant" | "bad";

/**
 * One fake Recall bot: joins its participants, sends their frames tick by tick (webcam, and
 * screenshare for those sharing), gives late names with `participant_events.update`, mixes in
 * bad messages, sends `leave` for everyone and closes with 1000. Frames whose time comes while
 * the connection is down are skipped in `realtime` mode, as Recall does not replay; participant
 * events, and every message in `max` mode, wait for the reconnection.
 */
export class SimulatedBot {
  readonly #settings: SimulatedBotSettings;
  readonly #envelope: EnvelopeOptions;
  readonly #recordingStartMs: number;
  readonly #named = new Set<number>();
  #outcome: BotOutcome | null = null;
  #messagesSent = 0;
  #framesSent = 0;
  #participantEventsSent = 0;
  #badMessagesSent = 0;
  #bytesSent = 0;
  #skippedFrames = 0;

  constructor(settings: SimulatedBotSettings) {
    this.#settings = settings;
    const { identity, plan, firstTick } = settings;
    // A continued meeting began firstTick ticks ago.
    this.#recordingStartMs = Date.now() - (firstTick / plan.fps) * 1000;
    this.#envelope = {
      recording: { id: identity.recordingId, metadata: {} },
      bot: { id: identity.botId, metadata: { simulator: "framepipe" } },
      realtimeEndpoint: { id: `${identity.botId.slice(0, 8)}-realtime-endpoint`, metadata: {} },
    };
  }

  /** Runs the whole meeting; never rejects. */
  async run(): Promise<BotOutcome> {
    try {
      this.#outcome = await this.#meeting();
    } catch (error) {
      this.#settings.onEvent({
        type: "warning",
        bot: this.#settings.identity.index,
        message: `bot ${this.#settings.identity.index} failed: ${error instanceof Error ? error.message : String(error)}`,
      });
      this.#outcome = "failed";
    }
    this.#settings.onEvent({ type: "finished", bot: this.#settings.identity.index, outcome: this.#outcome });
    return this.#outcome;
  }

  async #meeting(): Promise<BotOutcome> {
    const { connection, plan, signal, rate, firstTick } = this.#settings;
    if (!(await connection.open())) return this.#endedEarly();
    const startedAt = performance.now();
    const start = firstTick / plan.fps;
    for (const participant of plan.participants) {
      if (!(await this.#sendReliably(this.#participantEvent("join", participant, start), "participant"))) {
        return this.#endedEarly();
      }
    }
    const namedBefore = plan.updateAfterTick === -1 || plan.updateAfterTick < firstTick;
    if (namedBefore && !(await this.#sendLateNames(start))) return this.#endedEarly();
    for (let bad = 0; bad < plan.badWithoutTicks; bad += 1) {
      if (!(await this.#sendBad(bad, plan.participants[0] as PlannedParticipant, 0))) return this.#endedEarly();
    }
    for (let tick = firstTick; tick < plan.ticks; tick += 1) {
      const relative = tick / plan.fps;
      if (rate === "realtime") {
        const wait = startedAt + (relative - start) * 1000 - performance.now();
        if (wait > 0 && !(await sleep(wait, signal))) return "stopped";
      }
      if (signal.aborted) return "stopped";
      for (const slot of plan.slots(tick)) {
        const sent =
          slot.kind === "frame"
            ? await this.#sendFrame(slot.participant, slot.type, tick, relative)
            : await this.#sendBad(slot.index, slot.participant, relative);
        if (!sent) return this.#endedEarly();
      }
      if (tick === plan.updateAfterTick && !(await this.#sendLateNames(relative))) return this.#endedEarly();
      this.#settings.onEvent({ type: "tick", bot: this.#settings.identity.index, tick, ticks: plan.ticks });
    }
    const end = plan.ticks / plan.fps;
    for (const participant of plan.participants) {
      if (!(await this.#sendReliably(this.#participantEvent("leave", participant, end), "participant"))) {
        return this.#endedEarly();
      }
    }
    await connection.drain();
    this.#settings.onEvent({ type: "sent", bot: this.#settings.identity.index, messages: this.#messagesSent });
    await connection.close(1000, "call ended");
    return "completed";
  }

  #endedEarly(): BotOutcome {
    const { connection, signal } = this.#settings;
    if (signal.aborted) return "stopped";
    return connection.rejected ? "rejected" : "failed";
  }

  async #sendLateNames(relative: number): Promise<boolean> {
    for (const participant of this.#settings.plan.participants) {
      if (!participant.lateName) continue;
      this.#named.add(participant.id);
      if (!(await this.#sendReliably(this.#participantEvent("update", participant, relative), "participant"))) {
        return false;
      }
    }
    return true;
  }

  /** Sends a frame. In realtime mode a frame is skipped while disconnected; false only when the bot must end. */
  async #sendFrame(participant: PlannedParticipant, type: FrameType, tick: number, relative: number): Promise<boolean> {
    const { connection, rate, signal } = this.#settings;
    if (signal.aborted) return false;
    const base64 = await this.#settings.image(participant, type, tick);
    const text = videoFrameMessage({
      ...this.#envelope,
      resource: { id: `${this.#settings.identity.botId.slice(0, 8)}-video-separate`, metadata: {} },
      participant: this.#wireParticipant(participant),
      type,
      timestamp: { relative, absolute: new Date(this.#recordingStartMs + relative * 1000) },
      base64,
    });
    if (rate === "max") return this.#sendReliably(text, "frame");
    if (!connection.isOpen() || !(await this.#send(Buffer.from(text), "frame"))) {
      this.#skippedFrames += 1;
      // Skipping is fine while a reconnection may still succeed; once it failed for good, stop.
      return !connection.failed;
    }
    return true;
  }

  #sendBad(index: number, participant: PlannedParticipant, relative: number): Promise<boolean> {
    const { text } = badMessage(index, { ...this.#envelope, participantId: participant.id, relative });
    return this.#sendReliably(text, "bad");
  }

  #participantEvent(action: "join" | "leave" | "update", participant: PlannedParticipant, relative: number): string {
    return participantEventMessage(action, {
      ...this.#envelope,
      resource: { id: `${this.#settings.identity.botId.slice(0, 8)}-participant-events`, metadata: {} },
      participant: this.#wireParticipant(participant),
      timestamp: { relative, absolute: new Date(this.#recordingStartMs + relative * 1000) },
    });
  }

  #wireParticipant(participant: PlannedParticipant): ParticipantInput {
    const named = !participant.lateName || this.#named.has(participant.id);
    return {
      id: participant.id,
      name: named ? participant.name : null,
      isHost: participant.isHost,
      platform: "desktop",
      extraData: {},
    };
  }

  /** Sends, waiting for a reconnection when the connection is down. False when it never comes back. */
  async #sendReliably(text: string, kind: MessageKind): Promise<boolean> {
    const data = Buffer.from(text);
    const { connection, signal } = this.#settings;
    while (!signal.aborted) {
      if (!(await connection.ready())) return false;
      if (await this.#send(data, kind)) return true;
    }
    return false;
  }

  #send(data: Buffer, kind: MessageKind): Promise<boolean> {
    return this.#settings.connection.send(data, (written) => {
      if (!written) return;
      this.#messagesSent += 1;
      this.#bytesSent += data.length;
      if (kind === "frame") this.#framesSent += 1;
      else if (kind === "participant") this.#participantEventsSent += 1;
      else this.#badMessagesSent += 1;
    });
  }

  /** Counters so far. */
  report(): BotReport {
    const connection = this.#settings.connection;
    return {
      ...this.#settings.identity,
      outcome: this.#outcome ?? "running",
      messagesSent: this.#messagesSent,
      framesSent: this.#framesSent,
      participantEventsSent: this.#participantEventsSent,
      badMessagesSent: this.#badMessagesSent,
      bytesSent: this.#bytesSent,
      lostMessages: connection.lostMessages,
      skippedFrames: this.#skippedFrames,
      reconnects: connection.reconnects,
      connectAttempts: connection.connectAttempts,
      rejectedHandshakes: [...connection.rejectedHandshakes],
      backpressureWaits: connection.backpressureWaits,
      maxBufferedAmount: connection.maxBufferedAmount,
      lastClose: connection.lastClose,
      lastError: connection.lastError,
    };
  }
}
