import { durationSchema } from "@framepipe/core/plugin";
import { DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX, natsCredentialFields, natsServersSchema } from "@framepipe/sink-nats";
import { z } from "zod";

/** Default durable consumer name: every worker of one pool shares it. */
export const DEFAULT_DURABLE = "framepipe-workers";

/** Options of the `nats` source (a `z.strictObject`, every field described). */
export const natsSourceOptions = z
  .strictObject({
    servers: natsServersSchema,
    stream: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "_" and "-"')
      .default(DEFAULT_STREAM)
      .describe("JetStream stream the nats sink publishes to. It must exist (the ingest nodes create it)."),
    subjectPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, "expected dot-separated tokens")
      .default(DEFAULT_SUBJECT_PREFIX)
      .describe("The nats sink's subjectPrefix."),
    partitions: z
      .number()
      .int()
      .min(1)
      .max(1024)
      .default(1)
      .describe("The nats sink's partitions: how many partitions the ingest nodes spread participants over."),
    assigned: z
      .array(z.number().int().min(0))
      .min(1)
      .optional()
      .describe(
        "Partitions this worker consumes, fixed, e.g. [0, 1, 2, 3]: give each worker of a pool a disjoint set covering " +
          "0 … partitions - 1; a dead worker's partitions wait for it. Default: the workers sharing durable share the " +
          "partitions automatically, through leases in the JetStream key-value bucket <durable>-leases: each takes " +
          "ceil(partitions / workers), a joining worker gets its share from the others (drained first), and a dead " +
          "worker's partitions are taken over after leaseTtl.",
      ),
    leaseTtl: durationSchema()
      .prefault("10s")
      .describe(
        "How long a partition lease outlives a worker that stopped renewing it (killed, frozen, cut off from NATS): " +
          "the longest a dead worker's participants wait for another worker. Renewed every leaseTtl / 4. The same on " +
          "every worker of a pool (the first one creates the bucket with it).",
      ),
    durable: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,200}$/, 'expected at most 200 letters, digits, "_" and "-"')
      .default(DEFAULT_DURABLE)
      .describe(
        "Name of the pool of workers: each partition's durable pull consumer is <durable>-<partition>, created when " +
          "missing; it keeps its position across restarts of the workers and of the server.",
      ),
    maxAckPending: z
      .number()
      .int()
      .min(1)
      .default(256)
      .describe(
        "Messages delivered and not yet acknowledged per partition, at most (each consumer's max_ack_pending): with the " +
          "runtime's own flow control, the bound of what a worker holds. A message is acknowledged once every sink " +
          "finished its frame.",
      ),
    ackWait: durationSchema()
      .prefault("30s")
      .describe(
        "How long the server waits for an acknowledgement before it redelivers a message (a worker that died). A live " +
          "worker extends it for the frames it holds, so a slow sink does not cause redeliveries.",
      ),
    batch: z.number().int().min(1).default(64).describe("Messages asked for per pull request."),
    ...natsCredentialFields,
    name: z
      .string()
      .min(1)
      .optional()
      .describe("Connection name shown by the server's monitoring (default framepipe-source-<component id>)."),
  })
  .superRefine((options, context) => {
    for (const [index, partition] of (options.assigned ?? []).entries()) {
      if (partition >= options.partitions) {
        context.addIssue({
          code: "custom",
          path: ["assigned", index],
          message: `partition ${partition} does not exist: partitions is ${options.partitions} (0 … ${options.partitions - 1})`,
        });
      }
    }
    if (options.assigned !== undefined && new Set(options.assigned).size !== options.assigned.length) {
      context.addIssue({ code: "custom", path: ["assigned"], message: "a partition is listed twice" });
    }
  });

/** The `nats` source's options, validated. */
export type NatsSourceOptions = z.output<typeof natsSourceOptions>;
