import type { GroupInfo, PluginContext, SinkInstance, StreamInfo, VideoFrame } from "@framepipe/core/plugin";
import {
  type ConnectionOptions,
  connect,
  DiscardPolicy,
  type JetStreamClient,
  type MsgHdrs,
  type NatsConnection,
  nanos,
  RetentionPolicy,
  StorageType,
} from "nats";
import {
  frameHeaders,
  frameMessageId,
  GROUP_END_TOKEN,
  groupEndHeaders,
  groupSubject,
  streamEndHeaders,
  streamSubject,
} from "./frame-message.js";
import type { NatsSinkOptions } from "./nats-sink-options.js";

/** Room left in a message for the headers beside the image (they are some 1–2 KiB). */
const HEADER_ALLOWANCE = 16 * 1024;

function isNotFound(error: unknown): boolean {
  const failure = error as { code?: string; api_error?: { code?: number; err_code?: number } };
  return failure.api_error?.code === 404 || failure.code === "404" || /not found/i.test(String(error));
}

/** The connection options of the sink, and of the `nats` source: reconnect for ever. */
export function natsConnectionOptions(
  options: Pick<NatsSinkOptions, "servers" | "name" | "token" | "user" | "password">,
  fallbackName: string,
): ConnectionOptions {
  return {
    servers: options.servers,
    name: options.name ?? fallbackName,
    token: options.token,
    user: options.user,
    pass: options.password,
    // Never give up: while NATS is away, publishes fail and the runtime holds the sources back.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: false,
  };
}

/**
 * Makes sure the JetStream stream exists: created (when `createStream`) with the configured storage,
 * replicas and limits and the subjects `<subjectPrefix>.>`, else checked. Fails when it is missing and may not be created.
 */
async function ensureStream(connection: NatsConnection, options: NatsSinkOptions, label: string): Promise<void> {
  const manager = await connection.jetstreamManager();
  try {
    await manager.streams.info(options.stream);
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (!options.createStream) {
    throw new Error(
      `${label}: the JetStream stream "${options.stream}" does not exist and createStream is false; ` +
        `create it with subjects "${options.subjectPrefix}.>"`,
    );
  }
  await manager.streams.add({
    name: options.stream,
    subjects: [`${options.subjectPrefix}.>`],
    storage: options.storage === "memory" ? StorageType.Memory : StorageType.File,
    num_replicas: options.replicas,
    retention: options.retention === "workqueue" ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    max_bytes: options.maxBytes === 0 ? -1 : options.maxBytes,
    max_age: nanos(options.maxAge),
    duplicate_window: nanos(options.duplicateWindow),
  });
}

/**
 * The running `nats` sink: connects, makes sure the stream exists, then publishes each frame with
 * JetStream and resolves its write once JetStream acknowledged it (so a slow or absent NATS holds
 * the sources back through the runtime's flow control). Stream and group ends are published as
 * end markers on the participant's subjects, after that stream's frames.
 */
export async function openNatsSink(options: NatsSinkOptions, context: PluginContext): Promise<SinkInstance> {
  const connection = await connect(natsConnectionOptions(options, `framepipe-sink-${context.componentId}`));
  try {
    await ensureStream(connection, options, context.label);
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
  const maxPayload = connection.info?.max_payload ?? 1024 * 1024;
  context.logger.info(
    { servers: options.servers, stream: options.stream, subjectPrefix: options.subjectPrefix, maxPayload },
    "publishing frames to NATS JetStream",
  );
  const scheme = { prefix: options.subjectPrefix, partitions: options.partitions };
  const js: JetStreamClient = connection.jetstream({ timeout: options.ackTimeout });
  const published = context.metrics.counter("nats_published_total", "Messages acknowledged by JetStream.", ["kind"]);
  const duplicates = context.metrics.counter(
    "nats_duplicates_total",
    "Publishes JetStream recognised as duplicates (a republish after a lost ack).",
  );
  let closed = false;

  async function publish(
    subject: string,
    body: Uint8Array,
    headers: MsgHdrs,
    msgID: string,
    kind: "frame" | "stream-end" | "group-end",
  ) {
    try {
      const ack = await js.publish(subject, body, { headers, msgID, timeout: options.ackTimeout });
      if (ack.duplicate) duplicates.inc();
      published.inc({ kind });
    } catch (error) {
      // Unreachable server, no ack in time, stream full: all may clear, so the runtime retries
      // (for retryFor) while the frame holds its stream.
      throw context.error(`publishing to "${subject}" failed: ${(error as Error).message}`, {
        stage: kind === "frame" ? "write" : kind === "stream-end" ? "end-stream" : "end-group",
        transient: true,
        cause: error,
      });
    }
  }

  return {
    retryFor: options.retryFor,
    async write(frame: VideoFrame) {
      if (closed) throw context.error("the sink is closed", { stage: "write" });
      const size = frame.image.data.byteLength;
      if (size + HEADER_ALLOWANCE > maxPayload) {
        // Not transient: retrying cannot make it fit. The server's max_payload must grow.
        throw context.error(
          `a ${size}-byte frame does not fit the server's max_payload of ${maxPayload} bytes; raise max_payload ` +
            "in the nats-server config (e.g. max_payload: 8MB, see the sink-nats README)",
          { stage: "write" },
        );
      }
      const subject = streamSubject(scheme, frame.recording.id, frame.participant.id, frame.type);
      await publish(subject, frame.image.data, frameHeaders(frame), frameMessageId(frame), "frame");
    },
    async endStream(stream: StreamInfo) {
      const subject = streamSubject(scheme, stream.recordingId, stream.participantId, stream.type);
      // Unique per end (a stream may end, and start again after a rejoin): never deduplicated away.
      await publish(subject, new Uint8Array(0), streamEndHeaders(stream), `${subject}.end.${Date.now()}`, "stream-end");
    },
    async endGroup(group: GroupInfo) {
      const subject = `${groupSubject(scheme, group.recordingId, group.participantId)}.${GROUP_END_TOKEN}`;
      await publish(subject, new Uint8Array(0), groupEndHeaders(group), `${subject}.end.${Date.now()}`, "group-end");
    },
    async flush() {
      if (!closed) await connection.flush();
    },
    async close() {
      if (closed) return;
      closed = true;
      // Publishes resolve only on their ack, so by now nothing written is pending: drain closes.
      await connection.drain().catch(() => connection.close());
    },
  };
}
