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
import { decodeMessage, natsConnectionOptions } from "@framepipe/sink-nats";
import { connect, Events, type JsMsg, type NatsConnection } from "nats";
import { Observable, Subject } from "rxjs";
import type { NatsSourceOptions } from "./nats-source-options.js";
import { isNotFound, openPartitionConsumer, PartitionPuller } from "./partition-consumer.js";
import { PartitionLeases } from "./partition-leases.js";

/** The context a participant's leave event needs, remembered from the participant's last frame. */
type GroupContext = Pick<IncomingFrame, "recording" | "bot" | "realtimeEndpoint" | "participant">;

/** A partition this worker consumes. */
interface OwnedPartition {
  readonly puller: PartitionPuller;
  /** Its participants with a group open here, for their leave when the partition goes away. */
  readonly groups: Map<string, GroupContext>;
  /** Frames emitted and not yet settled. */
  held: number;
  /** False once the partition is being given back or was lost: what it still delivers is refused. */
  active: boolean;
  /** Called when `held` reaches 0 while the partition is being given back. */
  drained: (() => void) | null;
}

/** The bucket of the partition leases of a pool of workers (those sharing `durable`). */
export function leaseBucketOf(options: Pick<NatsSourceOptions, "durable">): string {
  return `${options.durable}-leases`;
}

async function streamExists(connection: NatsConnection, stream: string): Promise<boolean> {
  const manager = await connection.jetstreamManager();
  try {
    await manager.streams.info(stream);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function leaveOf(group: GroupContext): ParticipantEvent {
  return {
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
}

/**
 * The running `nats` source. Each partition this worker owns (by lease, or statically through
 * `assigned`) has its durable consumer and pull loop. A frame is rebuilt from its message,
 * emitted with the ingest node's `seq`, and its message acknowledged only when the runtime says
 * every sink finished the frame (`settled`); a frame dropped unprocessed is negatively
 * acknowledged. While the runtime holds frames the source tells the server it still works on them,
 * so only a dead worker's messages come again. A partition given back (another worker joined) is
 * drained first: pulling stops, its participants' groups end here (sinks finalise their outputs),
 * and the lease goes once its held frames are acknowledged.
 */
export async function openNatsSource(options: NatsSourceOptions, context: PluginContext): Promise<SourceInstance> {
  const { logger, metrics } = context;
  const events$ = new Subject<RecallEvent>();
  const pending = new Map<IncomingFrame, { message: JsMsg; partition: OwnedPartition }>();
  /**
   * The frames held, by stream sequence: a message delivered again while its frame is held (its
   * partition resumed by this very worker after a lost lease) is not emitted twice; the newest
   * delivery is the one acknowledged, the consumer of the older one being gone.
   */
  const held = new Map<number, IncomingFrame>();
  const partitions = new Map<number, OwnedPartition>();
  const ownedGauge = metrics.gauge("nats_source_partitions_owned", "Partitions this worker consumes now.");
  const resumed = metrics.counter(
    "nats_source_partitions_resumed_total",
    "Partitions taken over with messages a previous worker left unacknowledged (delivered again, in order).",
  );
  let leases: PartitionLeases | undefined;
  let connection: NatsConnection | undefined;
  let stopped = false;
  let closing: Promise<void> | undefined;
  let paused = false;
  /** Pulling waits for the runtime's subscription (after start()): a frame emitted before it would be lost. */
  let attached = false;
  let wakers: Array<() => void> = [];
  let keepAlive: NodeJS.Timeout | undefined;

  function wakeAll(): void {
    const waiting = wakers;
    wakers = [];
    for (const wake of waiting) wake();
  }

  const hooks = {
    logger,
    paused: () => (paused || !attached) && !stopped,
    whenResumed: () => new Promise<void>((resolve) => wakers.push(resolve)),
    handle,
  };

  function handle(message: JsMsg, partitionNumber: number): void {
    const partition = partitions.get(partitionNumber);
    if (stopped || partition === undefined || !partition.active) {
      // Fetched while stopping or giving the partition back: the next delivery (here or on the
      // partition's next owner) handles it.
      message.nak();
      return;
    }
    const holding = held.get(message.seq);
    if (holding !== undefined) {
      const entry = pending.get(holding);
      if (entry !== undefined) entry.message = message;
      return;
    }
    let decoded: ReturnType<typeof decodeMessage>;
    try {
      decoded = decodeMessage(message.headers, message.data, performance.now());
    } catch (error) {
      logger.warn({ subject: message.subject, error: (error as Error).message }, "not a framepipe message");
      message.term();
      return;
    }
    if (decoded.kind === "frame") {
      const frame = freezeFrame(decoded.frame);
      // Only what a leave event needs: never the image.
      partition.groups.set(groupKeyOf(frame.recording.id, frame.participant.id), {
        recording: frame.recording,
        bot: frame.bot,
        realtimeEndpoint: frame.realtimeEndpoint,
        participant: frame.participant,
      });
      pending.set(frame, { message, partition });
      held.set(message.seq, frame);
      partition.held += 1;
      events$.next({ kind: "video-frame", event: "video_separate_png.data", frame });
      return;
    }
    if (decoded.kind === "group-end") {
      // Every group end forgets the participant (so the map stays bounded); only a leave is passed
      // on: idle and shutdown ends are the ingest node's, the worker has its own idleTimeout.
      const key = groupKeyOf(decoded.recordingId, decoded.participantId);
      const group = partition.groups.get(key);
      partition.groups.delete(key);
      if (group !== undefined && decoded.reason === "leave") events$.next(leaveOf(group));
    }
    // End markers carry nothing to write: acknowledged once passed on.
    message.ack();
  }

  async function acquire(partitionNumber: number): Promise<void> {
    if (connection === undefined) throw new Error("not connected");
    const { consumer, resumedAt } = await openPartitionConsumer(connection, options, partitionNumber, logger);
    if (resumedAt !== null) resumed.inc();
    const puller = new PartitionPuller(partitionNumber, consumer, options.batch, hooks);
    partitions.set(partitionNumber, { puller, groups: new Map(), held: 0, active: true, drained: null });
    ownedGauge.set(partitions.size);
  }

  /** Stops consuming a partition and ends its participants' groups here (their sinks finalise). */
  function deactivate(partitionNumber: number): OwnedPartition | undefined {
    const partition = partitions.get(partitionNumber);
    if (partition === undefined || !partition.active) return undefined;
    partition.active = false;
    void partition.puller.stop();
    if (!stopped) for (const group of partition.groups.values()) events$.next(leaveOf(group));
    partition.groups.clear();
    return partition;
  }

  function forget(partitionNumber: number): void {
    partitions.delete(partitionNumber);
    ownedGauge.set(partitions.size);
  }

  async function release(partitionNumber: number): Promise<void> {
    const partition = deactivate(partitionNumber) ?? partitions.get(partitionNumber);
    if (partition === undefined) return;
    await partition.puller.done;
    if (partition.held > 0) await new Promise<void>((resolve) => (partition.drained = resolve));
    forget(partitionNumber);
  }

  /**
   * Follows the connection: while the client is cut off from every server, the worker is
   * reported failing (`/ready` 503, `/health` names it), recovered once it reconnected.
   */
  async function watchConnection(open: NatsConnection): Promise<void> {
    for await (const status of open.status()) {
      if (status.type === Events.Disconnect) {
        context.health.failing(new Error(`lost the connection to NATS (${String(status.data)}); reconnecting`));
      } else if (status.type === Events.Reconnect) {
        context.health.recovered();
      }
    }
  }

  /** Once stopped and every held frame settled: give the leases back, then close the connection. */
  function closeWhenIdle(): Promise<void> {
    if (!stopped || pending.size > 0 || connection === undefined) return closing ?? Promise.resolve();
    const open = connection;
    connection = undefined;
    clearInterval(keepAlive);
    closing = (async () => {
      await leases?.stop().catch((error: unknown) => logger.warn({ error: String(error) }, "leases not given back"));
      await open.drain().catch(() => open.close());
    })();
    return closing;
  }

  /** Takes the assigned partitions, or joins the pool of workers sharing the partitions by lease. */
  async function consume(): Promise<void> {
    if (connection === undefined || stopped) return;
    if (options.assigned !== undefined) {
      for (const partition of options.assigned) await acquire(partition);
    } else {
      leases = new PartitionLeases(
        { bucket: leaseBucketOf(options), partitions: options.partitions, ttl: options.leaseTtl, logger },
        {
          acquired: acquire,
          releasing: release,
          lost: (partition) => {
            deactivate(partition);
            forget(partition);
          },
        },
      );
      await leases.start(connection);
    }
    logger.info(
      {
        servers: options.servers,
        stream: options.stream,
        partitions: options.partitions,
        owned: [...partitions.keys()].sort((a, b) => a - b),
        ownership: leases === undefined ? "assigned" : `leases in bucket ${leaseBucketOf(options)}`,
        worker: leases?.workerId,
      },
      "consuming frames from NATS JetStream",
    );
  }

  /** Polls for the stream every second until it exists (true) or the source stops (false). */
  async function waitForStream(): Promise<boolean> {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (connection === undefined || stopped) return false;
      if (await streamExists(connection, options.stream).catch(() => false)) {
        logger.info({ stream: options.stream }, "the JetStream stream exists now");
        return true;
      }
    }
    return false;
  }

  return {
    events$: new Observable<RecallEvent>((subscriber) => {
      const subscription = events$.subscribe(subscriber);
      attached = true;
      wakeAll();
      return subscription;
    }),
    async start() {
      connection = await connect(natsConnectionOptions(options, `framepipe-source-${context.componentId}`));
      void watchConnection(connection).catch(() => undefined);
      // Tell the server the held frames are being worked on, well within ackWait.
      keepAlive = setInterval(
        () => {
          for (const { message } of pending.values()) message.working();
        },
        Math.max(1000, Math.floor(options.ackWait / 3)),
      );
      keepAlive.unref();
      if (!(await streamExists(connection, options.stream))) {
        // Workers may start before any ingest node: wait for the stream the nats sink creates.
        logger.warn(
          { stream: options.stream },
          "the JetStream stream does not exist yet (the ingest nodes' nats sink creates it): waiting for it",
        );
        void waitForStream().then(
          (found) => (found ? consume() : undefined),
          (error: unknown) => events$.error(error),
        );
        return;
      }
      await consume();
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
      await Promise.all([...partitions.values()].map((partition) => partition.puller.stop()));
      events$.complete();
      await closeWhenIdle();
    },
    settled(frame: IncomingFrame, outcome: FrameOutcome) {
      const entry = pending.get(frame);
      if (entry === undefined) return;
      pending.delete(frame);
      const { message, partition } = entry;
      held.delete(message.seq);
      // Not processed at all (queue full, memory budget, forced stop): let another delivery do it.
      if (outcome.dropped > 0) message.nak();
      else message.ack();
      partition.held -= 1;
      if (partition.held === 0) partition.drained?.();
      if (stopped) void closeWhenIdle();
    },
  };
}
