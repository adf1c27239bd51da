import { byteSizeSchema, durationSchema, secret } from "@framepipe/core/plugin";
import { z } from "zod";

/** Default subject prefix: frames go to `framepipe.frames.<recording>.<participant>.<type>`. */
export const DEFAULT_SUBJECT_PREFIX = "framepipe.frames";

/** Default JetStream stream name. */
export const DEFAULT_STREAM = "FRAMEPIPE_FRAMES";

/** Default number of publishes awaiting their JetStream ack at once (one per participant stream). */
export const DEFAULT_CONCURRENCY = 32;

/** Default `retryFor`: time for NATS to come back (a restart, a failover) before frames count as failed. */
export const DEFAULT_RETRY_FOR = "5m";

/** A subject prefix: tokens of letters, digits, `_` and `-`, separated by dots; no wildcards. */
const subjectPrefixPattern = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** The `servers` option of the nats sink and source. */
export const natsServersSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .default("nats://127.0.0.1:4222")
  .describe(
    'NATS server URL, or a list of the URLs of a cluster, e.g. "nats://nats-1:4222". The client reconnects for ever, ' +
      "to any server of the list.",
  );

/** The credential options of the nats sink and source (token, or user and password). */
export const natsCredentialFields = {
  token: secret(z.string().min(1)).optional().describe("Authentication token."),
  user: z.string().min(1).optional().describe("User name, with password."),
  password: secret(z.string().min(1)).optional().describe("Password, with user."),
};

/** Options of the `nats` sink (a `z.strictObject`, every field described). */
export const natsSinkOptions = z.strictObject({
  servers: natsServersSchema,
  subjectPrefix: z
    .string()
    .regex(subjectPrefixPattern, 'expected dot-separated tokens of letters, digits, "_" and "-", e.g. framepipe.frames')
    .default(DEFAULT_SUBJECT_PREFIX)
    .describe(
      "Subjects are <subjectPrefix>.<partition>.<recording id>.<participant id>.<type> (end markers: .<type> and " +
        '.group). An id that is not only letters, digits, "_" and "-" has those characters replaced and a hash of the ' +
        "original appended, so distinct ids never share a subject.",
    ),
  partitions: z
    .number()
    .int()
    .min(1)
    .max(1024)
    .default(1)
    .describe(
      "Participants are spread over this many partitions (a hash of recording and participant id), the first token " +
        "after subjectPrefix; a worker consumes whole partitions, so it sees each of its participants whole and in " +
        "order. Every ingest node and worker must use the same value; changing it moves participants.",
    ),
  stream: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "_" and "-"')
    .default(DEFAULT_STREAM)
    .describe("JetStream stream that stores the frames; it must capture <subjectPrefix>.>."),
  createStream: z
    .boolean()
    .default(true)
    .describe(
      "Create the stream (subjects <subjectPrefix>.>, with storage, replicas, retention and the limits below) when it " +
        "does not exist. false: it must exist, and the sink fails at start when it does not.",
    ),
  storage: z
    .enum(["file", "memory"])
    .default("file")
    .describe(
      "Storage of a stream the sink creates. file: frames survive a server restart. memory: about a quarter less " +
        "server CPU per frame (nats-hop benchmark), but a server restart loses the backlog; bound it with maxBytes.",
    ),
  replicas: z
    .number()
    .int()
    .min(1)
    .max(5)
    .default(1)
    .describe(
      "Replicas of a stream the sink creates, on as many servers of a JetStream cluster (3 survives the loss of one " +
        "server). More than the cluster has fails at start.",
    ),
  retention: z
    .enum(["workqueue", "limits"])
    .default("workqueue")
    .describe(
      "Retention of a stream the sink creates. workqueue: a frame is deleted once a worker acknowledged it (the disk " +
        "holds only the backlog; consumers must not overlap). limits: frames stay until maxBytes or maxAge, so several " +
        "independent worker pools can each read everything.",
    ),
  maxAge: durationSchema({ allowZero: true })
    .prefault(0)
    .describe("Oldest frame a stream the sink creates keeps (e.g. 24h). 0: no limit."),
  duplicateWindow: durationSchema()
    .prefault("2m")
    .describe(
      "Deduplication window of a stream the sink creates: a frame published again within it (a retry after a lost ack) " +
        "is stored once.",
    ),
  maxBytes: byteSizeSchema({ allowZero: true })
    .prefault(0)
    .describe(
      "Largest size of a stream the sink creates; when full, publishes fail (and are retried) rather than old frames " +
        "being discarded. 0: no limit but the server's.",
    ),
  ackTimeout: durationSchema()
    .prefault("10s")
    .describe("How long a publish waits for JetStream's acknowledgement before it counts as failed (and is retried)."),
  retryFor: durationSchema({ allowZero: true })
    .prefault(DEFAULT_RETRY_FOR)
    .describe(
      "How long the sink keeps retrying publishes that fail (NATS unreachable, no ack, stream full), with backoff, " +
        "counted from its first failure. Meanwhile frames are held, so under overflow: block the sources are paused " +
        "instead of frames dropped. 0: five attempts per frame.",
    ),
  ...natsCredentialFields,
  name: z
    .string()
    .min(1)
    .optional()
    .describe("Connection name shown by the server's monitoring (default framepipe-sink-<component id>)."),
});

/** The `nats` sink's options, validated. */
export type NatsSinkOptions = z.output<typeof natsSinkOptions>;
/** The `nats` sink's options as written in a config. */
export type NatsSinkOptionsInput = z.input<typeof natsSinkOptions>;
