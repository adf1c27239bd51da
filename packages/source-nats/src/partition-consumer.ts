import type { Logger } from "@framepipe/core/plugin";
import { partitionFilter } from "@framepipe/sink-nats";
import {
  AckPolicy,
  type Consumer,
  type ConsumerConfig,
  DeliverPolicy,
  type JsMsg,
  type NatsConnection,
  nanos,
  RetentionPolicy,
} from "nats";
import type { NatsSourceOptions } from "./nats-source-options.js";

/** True for JetStream's "not found" answers (a stream or consumer that does not exist). */
export function isNotFound(error: unknown): boolean {
  const failure = error as { code?: string; api_error?: { code?: number } };
  return failure.api_error?.code === 404 || failure.code === "404" || /not found/i.test(String(error));
}

/** The durable consumer name of a partition: `<durable>-<partition>`. */
export function partitionDurable(options: Pick<NatsSourceOptions, "durable">, partition: number): string {
  return `${options.durable}-${partition}`;
}

/**
 * Opens a partition's durable pull consumer for the worker that now owns the partition: created
 * when missing; when a previous owner left messages delivered and unacknowledged (it died, or
 * stopped without finishing them), the consumer is created again from the first unacknowledged
 * message, so they come again at once and in stream order, ahead of every newer message. Waiting
 * for their ackWait instead would let newer messages of the same streams overtake them.
 *
 * Safe only because one worker owns a partition at a time (a lease, or a static assignment).
 * With the stream's work-queue retention (the default), messages acknowledged past the first
 * unacknowledged one are deleted already, so only unacknowledged messages come again; with
 * limits retention, those come again too (sinks that name each frame keep them once).
 */
export async function openPartitionConsumer(
  connection: NatsConnection,
  options: NatsSourceOptions,
  partition: number,
  logger: Logger,
): Promise<{ consumer: Consumer; resumedAt: number | null }> {
  const manager = await connection.jetstreamManager();
  const durable = partitionDurable(options, partition);
  const filterSubject = partitionFilter(options.subjectPrefix, partition);
  const config: Partial<ConsumerConfig> = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(options.ackWait),
    max_ack_pending: options.maxAckPending,
    filter_subject: filterSubject,
  };
  let resumedAt: number | null = null;
  try {
    const info = await manager.consumers.info(options.stream, durable);
    if (info.config.filter_subject !== filterSubject) {
      throw new Error(
        `the durable consumer "${durable}" of stream "${options.stream}" reads "${info.config.filter_subject}", ` +
          `not "${filterSubject}": choose another durable name, or delete it`,
      );
    }
    const unacknowledged = info.delivered.stream_seq > info.ack_floor.stream_seq;
    if (unacknowledged) {
      resumedAt = info.ack_floor.stream_seq + 1;
      const { config: stream } = await manager.streams.info(options.stream);
      await manager.consumers.delete(options.stream, durable);
      // A work queue holds only unacknowledged messages (and accepts only "deliver all"
      // consumers): from its start is from the first unacknowledged one. Other retentions keep
      // acknowledged messages, so the new consumer starts after the acknowledged floor.
      await manager.consumers.add(
        options.stream,
        stream.retention === RetentionPolicy.Workqueue
          ? config
          : { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: resumedAt },
      );
      logger.info(
        { partition, durable, fromStreamSeq: resumedAt, unacknowledged: info.num_ack_pending },
        "partition resumed at its first unacknowledged message: a previous worker's unfinished frames come again, in order",
      );
    } else if (info.config.ack_wait !== config.ack_wait || info.config.max_ack_pending !== config.max_ack_pending) {
      await manager.consumers.update(options.stream, durable, {
        ack_wait: config.ack_wait,
        max_ack_pending: config.max_ack_pending,
      });
    }
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await manager.consumers.add(options.stream, config);
  }
  return { consumer: await connection.jetstream().consumers.get(options.stream, durable), resumedAt };
}

/** What a {@link PartitionPuller} needs from the source. */
export interface PullerHooks {
  /** Handles one delivered message (emits it, or acknowledges a marker). */
  readonly handle: (message: JsMsg, partition: number) => void;
  /** True while the runtime asks the source to pause. */
  readonly paused: () => boolean;
  /** Resolves when the source resumes (or stops). */
  readonly whenResumed: () => Promise<void>;
  readonly logger: Logger;
}

/**
 * Pulls one partition's consumer in batches until stopped. Pull requests expire after a second so
 * a stop, a pause or a lost lease takes effect promptly; a failed pull (server restarting,
 * connection lost) is retried after half a second while the client reconnects.
 */
export class PartitionPuller {
  readonly partition: number;
  readonly #consumer: Consumer;
  readonly #batch: number;
  readonly #hooks: PullerHooks;
  #stopped = false;
  #fetch: { stop(): void } | null = null;
  readonly done: Promise<void>;

  constructor(partition: number, consumer: Consumer, batch: number, hooks: PullerHooks) {
    this.partition = partition;
    this.#consumer = consumer;
    this.#batch = batch;
    this.#hooks = hooks;
    this.done = this.#loop();
  }

  /** Stops pulling: the pending pull request ends at once; `done` resolves after it. */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#fetch?.stop();
    return this.done;
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      if (this.#hooks.paused()) {
        await this.#hooks.whenResumed();
        continue;
      }
      try {
        const messages = await this.#consumer.fetch({ max_messages: this.#batch, expires: 1000 });
        this.#fetch = messages;
        try {
          for await (const message of messages) this.#hooks.handle(message, this.partition);
        } finally {
          this.#fetch = null;
        }
      } catch (error) {
        if (this.#stopped) break;
        this.#hooks.logger.warn(
          { partition: this.partition, error: (error as Error).message },
          "pull from NATS failed; retrying",
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}
