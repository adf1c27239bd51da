import { defaultMaxPixels } from "@framepipe/core";
import { byteSizeSchema, durationSchema, secret } from "@framepipe/core/plugin";
import { z } from "zod";

/** Default `maxPayload`: 16 MiB, above the largest screenshare frame Recall sends as base64. */
export const defaultMaxPayload = 16 * 1024 * 1024;

/**
 * Default `maxConnections`: 1024. Recall opens one connection per bot and endpoint, and one
 * process is meant to serve hundreds of meetings, with room left for reconnects that overlap a
 * half-open predecessor and for idle connections until `idleTimeout` closes them. Each connection
 * costs a file descriptor and about 12 KiB of RSS while idle (measured with 1,000), up to
 * `maxPayload` more while a message is arriving (all of those together bounded by
 * `maxReceivingBytes`); accepted frames are bounded by the runtime's `maxInFlightBytes`.
 */
export const defaultMaxConnections = 1024;

/** A Recall workspace verification secret: `whsec_` followed by base64. */
export const verificationSecretPattern = /^whsec_[A-Za-z0-9+/]{8,}={0,2}$/;

const authenticationMissing =
  "needs token or secret, since Recall's realtime endpoint should authenticate; set allowUnauthenticated: true " +
  "to accept connections without credentials (development only)";

/** The options of the `websocket` source, as written in a pipeline config. */
export const websocketSourceOptionsSchema = z
  .strictObject({
    host: z
      .string()
      .min(1)
      .default("127.0.0.1")
      .describe(
        "Address to listen on. The default accepts local connections only (a tunnel or reverse proxy in front); " +
          "set 0.0.0.0 to accept Recall directly or from outside a container. Ignored when attached to an httpServer.",
      ),
    port: z
      .int()
      .min(0)
      .max(65535)
      .default(8080)
      .describe("Port to listen on; 0 picks a free port. Ignored when attached to an httpServer."),
    path: z
      .string()
      .startsWith("/", { message: 'expected a path starting with "/", such as /recall/' })
      .default("/")
      .describe(
        "URL path Recall connects to. A trailing slash is optional on both sides: /recall/ matches /recall and /recall/ " +
          "(Recall needs the / before ?token= in the URL you give it).",
      ),
    token: secret(z.string().min(8, { message: "expected a token of at least 8 characters" }))
      .optional()
      .describe("Shared token Recall sends as ?token= in the endpoint URL; compared in constant time."),
    secret: secret(
      z.string().regex(verificationSecretPattern, {
        message: "expected a Recall verification secret: whsec_ followed by base64",
      }),
    )
      .optional()
      .describe(
        "Recall workspace verification secret (whsec_…): verifies the signed webhook-id, webhook-timestamp and " +
          "webhook-signature headers (or svix-id, …) of the upgrade request.",
      ),
    signatureTolerance: durationSchema()
      .prefault("5m")
      .describe(
        "How old a signature's webhook-timestamp may be. Within it, each signed upgrade is accepted once " +
          "(a repeat is refused as replayed-signature).",
      ),
    signatureFutureTolerance: durationSchema({ allowZero: true })
      .prefault("30s")
      .describe(
        "How far ahead of this machine's clock a webhook-timestamp may be (clock skew); Recall signs just before " +
          "it connects.",
      ),
    allowUnauthenticated: z
      .boolean()
      .default(false)
      .describe("Accept connections without token or secret. For local development only; logs a warning at start."),
    maxPayload: byteSizeSchema()
      .prefault("16MiB")
      .describe("Largest message accepted (e.g. 16MiB); a larger one closes its connection with code 1009."),
    maxReceivingBytes: byteSizeSchema()
      .prefault("256MiB")
      .describe(
        "Most bytes of messages still arriving, all connections together (each may hold up to maxPayload until its " +
          "message is complete). Past it, the connection with the most bytes arriving is terminated and counted " +
          "(receive-budget); Recall reconnects.",
      ),
    maxEnvelope: byteSizeSchema()
      .prefault("256KiB")
      .describe(
        "Largest envelope of a message: everything but the image (data.data.buffer), such as ids, names and metadata. " +
          "Recall's are a few KiB; a larger one is refused (counted as schema) before it is validated.",
      ),
    maxPixels: z
      .int()
      .positive()
      .default(defaultMaxPixels)
      .describe(
        "Largest frame accepted, in pixels (width × height from the PNG header). A larger one is refused before " +
          "anything decodes it and counted as too-many-pixels: a guard against decompression bombs.",
      ),
    maxConnections: z
      .int()
      .positive()
      .default(defaultMaxConnections)
      .describe(
        "Most connections open at once (Recall opens one per bot and endpoint); further handshakes get HTTP 503.",
      ),
    maxConnectionsPerBot: z
      .int()
      .positive()
      .default(4)
      .describe(
        "Most connections one bot may hold (counted from its first message, which names the bot); a further one " +
          "is closed with 1013. Legacy binary connections (one per stream) are not counted.",
      ),
    idleTimeout: durationSchema({ allowZero: true })
      .prefault("5m")
      .describe(
        "Close a connection that has sent no message for this long (1001 idle timeout; Recall reconnects). " +
          "Pongs do not count; paused time does not count. 0 turns it off.",
      ),
    headersTimeout: durationSchema()
      .prefault("10s")
      .describe(
        "How long a new TCP connection may take to send its complete upgrade request; then HTTP 408. Only on the " +
          "source's own port: an attached httpServer keeps its own headersTimeout.",
      ),
    maxPendingHandshakes: z
      .int()
      .positive()
      .default(256)
      .describe(
        "Most connections waiting to send their upgrade request at once, on the source's own port; past it the " +
          "one waiting longest is dropped (HTTP 503).",
      ),
    pingInterval: durationSchema({ allowZero: true })
      .prefault("30s")
      .describe("Ping every connection this often and close peers that miss a pong; 0 turns keep-alive off."),
    perMessageDeflate: z
      .boolean()
      .default(false)
      .describe("Offer permessage-deflate. Off by default: base64 PNG hardly compresses and it costs CPU."),
  })
  .refine((options) => options.token !== undefined || options.secret !== undefined || options.allowUnauthenticated, {
    message: authenticationMissing,
    path: [],
  });

/** Validated options of the `websocket` source (durations in milliseconds, sizes in bytes). */
export type WebsocketSourceOptions = z.output<typeof websocketSourceOptionsSchema>;

/** Options of the `websocket` source as written in a config (sizes and durations may be strings). */
export type WebsocketSourceOptionsInput = z.input<typeof websocketSourceOptionsSchema>;
