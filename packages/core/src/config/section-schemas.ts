import { z } from "zod";
import { withExpectation } from "./expectation.js";
import { byteSizeSchema, durationSchema } from "./unit-schemas.js";

/** Default `runtime.concurrency`: steps in flight per transform or sink. */
export const DEFAULT_CONCURRENCY = 8;

/** The `runtime:` section. */
export const runtimeSchema = z
  .strictObject({
    queue: z.number().int().positive().default(64).describe("Frames buffered per stream before `overflow` applies."),
    overflow: z
      .enum(["block", "drop-oldest", "drop-newest"])
      .default("block")
      .describe(
        "What a full stream queue does: block (pause the source, lossless), drop-oldest (keep the freshest) or drop-newest.",
      ),
    maxInFlightBytes: byteSizeSchema()
      .prefault("256MiB")
      .describe("Global budget of frame bytes in flight (e.g. 256MiB); sources pause or frames drop beyond it."),
    concurrency: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_CONCURRENCY)
      .describe(
        "Frames in flight at once per transform or sink, all participants together, unless the component sets its own concurrency.",
      ),
    idleTimeout: durationSchema()
      .prefault("120s")
      .describe("A participant group with no frame for this long ends and its outputs are finalised."),
    shutdownTimeout: durationSchema({ allowZero: true })
      .prefault("30s")
      .describe("How long a graceful stop may take to drain and finalise before it is forced."),
    // No default: unset means off for an app embedding createPipeline (the collections need V8's
    // process-wide --expose-gc), while `framepipe run`, which owns its process, turns it on.
    reclaimDroppedMemory: z
      .boolean()
      .optional()
      .describe(
        "Under overload (over half of maxInFlightBytes in flight), run a garbage collection each time the frames " +
          "written or dropped add up to a quarter of the budget (at most 32 MiB; at most 10 a second), so their " +
          "memory returns promptly; it turns on V8's --expose-gc for the whole process. false leaves it to V8, " +
          "which may run tens of MiB over. Unset: on under `framepipe run`, off when embedded with createPipeline.",
      ),
    deadLetterDir: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe("Folder where `onError: dead-letter` writes failed frames (relative to the config file)."),
  })
  .prefault({})
  .describe("Flow control and lifecycle settings.");

/** The `api:` section. */
export const apiSchema = z
  .strictObject({
    port: withExpectation(
      z
        .union([z.number().int().min(0).max(65535), z.null(), z.literal(false)])
        .default(9464)
        .transform((value) => (value === false ? null : value)),
      "a port number from 0 to 65535, or null/false to turn the API off",
    ).describe("Port of the HTTP API (/metrics, /health, /ready); null or false turns it off, 0 picks a free port."),
    host: z.string().min(1).default("127.0.0.1").describe("Address the HTTP API listens on."),
  })
  .prefault({})
  .describe("The HTTP API: Prometheus /metrics, /health and /ready.");

/** The `log:` section. */
export const logSchema = z
  .strictObject({
    level: z
      .enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"])
      .default("info")
      .describe("Lowest level written to the log."),
  })
  .prefault({})
  .describe("Logging.");

/** `onError` of a component. */
export const onErrorSchema = z
  .enum(["drop", "dead-letter", "fail"])
  .default("drop")
  .describe(
    "What happens to a frame that failed for good: drop it (counted), dead-letter it (runtime.deadLetterDir) or fail the pipeline.",
  );

/** `concurrency` of a transform or sink (read by the component entries; this describes it for editors). */
export const componentConcurrencySchema = z
  .number()
  .int()
  .min(1)
  .describe(
    "Steps of this component allowed at once, each for a different stream (default: what the plugin declares, else runtime.concurrency).",
  );

/** Component ids: letters, digits, `-` and `_`. */
export const componentIdPattern = /^[A-Za-z0-9_-]+$/;
