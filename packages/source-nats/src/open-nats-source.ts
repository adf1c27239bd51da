import {
  type FrameOutcome,
  freezeFrame,
  groupKeyOf,
  type IncomingFrame,
  type ParticipantEvent,
  type PluginContext,
  type RecallEvent,
  type SourceInstance,
} from "@framepipe/core";
import { decodeMessage, natsConnectionOptions, partitionFilter } from "@framepipe/sink-nats";
import { AckPolicy, type Consumer, connect, DeliverPolicy, type JsMsg, type NatsConnection, nanos } from "nats";
import { Subject } from "rxjs";
import type { NatsSourceOptions } from "./nats-source-options.js";

/** The context a participant's leave event needs, remembered from the participant's last frame. */
type GroupContext = Pick<IncomingFrame, "recording" | "bot" | "realtimeEndpoint" | "participant">;

function isNotFound(error: unknown): boolean {
  const failure = error as { code?: string; api_error?: { code?: number } };
  return failure.api_error?.code === 404 || failure.code === "404" || /not found/i.test(String(error));
}

/**
 * Makes sure the durable pull consumer exists with the configured bounds (created, or updated
 * when its bounds changed) and returns it.
 */
async function ensureConsumer(
  connection: NatsConnection,
  options: NatsSourceOptions,
  durable: string,
  filterSubject: string,
): Promise<Consumer> {
  const manager = await connection.jetstreamManager();
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(options.ackWait),
    max_ack_pending: options.maxAckPending,
    filter_subject: filterSubject,
  };
  try {
    const info = await manager.consumers.info(options.stream, durable);
    if (info.config.filter_subject !== filterSubject) {
      throw new Error(
        `the durable consumer "${durable}" of stream "${options.stream}" reads "${info.config.filter_subject}", ` +
          `not "${filterSubject}": choose another durable name, or delete it`,
      );
    }
    if (info.config.ack_wait !== config.ack_wait || info.config.max_ack_pending !== config.max_ack_pending) {
      await manager.consumers.update(options.stream, durable, {
        ack_wait: config.ack_wait,
        max_ack_pending: config.max_ack_pending,
      });
    }
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await manager.consumers.add(options.stream, config);
  }
  return connection.jetstream().consumers.get(options.stream, durable);
}

/**
 * The running `nats` source: pulls from a durable consumer, rebuilds each frame from its message
 * and emits it, and acknowledges the message only when the runtime says every sink finished the
 * frame (`settled`). A frame dropped by flow control or a forced stop is negatively acknowledged,
 * so the server redelivers it. While the runtime holds frames, the source tells the server it is
 * still working on them, so only a worker that died has its messages redelivered (after ackWait).
 */
export async function openNatsSource(options: NatsSourceOptions, context: PluginContext): Promise<SourceInstance> {
  const events$ = new Subject<RecallEvent>();
  const pending = new Map<IncomingFrame, JsMsg>();
  /** Stream sequences of the messages held, so a redelivery of a held message is not emitted twice. */
  const held = new Set<number>();
  const groups = new Map<string, GroupContext>();
  let connection: NatsConnection | undefined;
  let stopped = false;
  let paused = false;
  let wakers: Array<() => void> = [];
  let loops: Promise<void>[] = [];
  let keepAlive: NodeJS.Timeout | undefined;
  let pulling = 0;
  /** The pull requests waiting for messages, ended at once by stop(). */
  const fetches = new Set<{ stop(): void }>();

  const closeWhenIdle = async () => {
    if (stopped && pulling === 0 && pending.size === 0 && connection !== undefined) {
      const closing = connection;
      connection = undefined;
      clearInterval(keepAlive);
      await closing.drain().catch(() => closing.close());
    }
  };

  function wakeAll(): void {
    const waiting = wakers;
    wakers = [];
    for (const wake of waiting) wake();
  }

  function handle(message: JsMsg): void {
    if (held.has(message.seq)) return;
    if (stopped) {
      // Fetched while stopping: events$ is about to complete, so leave it to the next delivery.
      message.nak();
      return;
    }
    let decoded: ReturnType<typeof decodeMessage>;
    try {
      decoded = decodeMessage(message.headers, message.data, performance.now());
    } catch (error) {
      context.logger.warn({ subject: message.subject, error: (error as Error).message }, "not a framepipe message");
      message.term();
      return;
    }
    if (decoded.kind === "frame") {
      const frame = freezeFrame(decoded.frame);
      // Only what a leave event needs: never the image.
      groups.set(groupKeyOf(frame.recording.id, frame.participant.id), {
        recording: frame.recording,
        bot: frame.bot,
        realtimeEndpoint: frame.realtimeEndpoint,
        participant: frame.participant,
      });
      pending.set(frame, message);
      held.add(message.seq);
      events$.next({ kind: "video-frame", event: "video_separate_png.data", frame });
      return;
    }
    if (decoded.kind === "group-end") {
      // Every group end forgets the participant (so the map stays bounded); only a leave is passed
      // on: idle and shutdown ends are the ingest node's, the worker has its own idleTimeout.
      const key = groupKeyOf(decoded.recordingId, decoded.participantId);
      const group = groups.get(key);
      groups.delete(key);
      if (group !== undefined && decoded.reason === "leave") {
        const leave: ParticipantEvent = {
          kind: "participant",
          event: "participant_events.leave",
          action: "leave",
          recording: group.recording,
          bot: group.bot,
          realtimeEndpoint: group.realtimeEndpoint,
          participant: group.participant,
          timestamp: { relative: null, absolute: null },
          chat: null,
          receivedAt: performance.now(),
        };
        events$.next(leave);
      }
    }
    // End markers carry nothing to write: acknowledged once passed on.
    message.ack();
  }

  async function pull(consumer: Consumer): Promise<void> {
    pulling += 1;
    try {
      await pullUntilStopped(consumer);
    } finally {
      pulling -= 1;
    }
  }

  async function pullUntilStopped(consumer: Consumer): Promise<void> {
    while (!stopped) {
      if (paused) {
        await new Promise<void>((resolve) => {
          wakers.push(resolve);
        });
        continue;
      }
      try {
        const messages = await consumer.fetch({ max_messages: options.batch, expires: 1000 });
        fetches.add(messages);
        try {
          for await (const message of messages) handle(message);
        } finally {
          fetches.delete(messages);
        }
      } catch (error) {
        if (stopped) break;
        // The server restarting or unreachable: the client reconnects; try again shortly.
        context.logger.warn({ error: (error as Error).message }, "pull from NATS failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  return {
    events$: events$.asObservable(),
    async start() {
      connection = await connect(natsConnectionOptions(options, `framepipe-source-${context.componentId}`));
      // One consumer for everything (a single worker), or one per assigned partition.
      const plan =
        options.assigned === undefined
          ? [{ durable: options.durable, filter: `${options.subjectPrefix}.>` }]
          : options.assigned.map((partition) => ({
              durable: `${options.durable}-${partition}`,
              filter: partitionFilter(options.subjectPrefix, partition),
            }));
      const consumers: Consumer[] = [];
      for (const { durable, filter } of plan)
        consumers.push(await ensureConsumer(connection, options, durable, filter));
      context.logger.info(
        { servers: options.servers, stream: options.stream, consumers: plan.map((entry) => entry.durable) },
        "consuming frames from NATS JetStream",
      );
      // Tell the server the held frames are being worked on, well within ackWait.
      keepAlive = setInterval(
        () => {
          for (const message of pending.values()) message.working();
        },
        Math.max(1000, Math.floor(options.ackWait / 3)),
      );
      keepAlive.unref();
      loops = consumers.map((consumer) => pull(consumer));
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      wakeAll();
    },
    async stop() {
      stopped = true;
      wakeAll();
      for (const fetch of fetches) fetch.stop();
      await Promise.all(loops);
      events$.complete();
      await closeWhenIdle();
    },
    settled(frame: IncomingFrame, outcome: FrameOutcome) {
      const message = pending.get(frame);
      if (message === undefined) return;
      pending.delete(frame);
      held.delete(message.seq);
      // Not processed at all (queue full, memory budget, forced stop): let another delivery do it.
      if (outcome.dropped > 0) message.nak();
      else message.ack();
      if (stopped) void closeWhenIdle();
    },
  };
}
