import { byteSizeSchema, durationSchema, secret } from "@framepipe/core/plugin";
import { z } from "zod";

/** Default `maxPayload`: 16 MiB, above the largest screenshare frame Recall sends as base64. */
export const defaultMaxPayload = 16 * 1024 * 1024;

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
        "Recall workspace verification secret (whsec_…): verifies the webhook-*/svix-* signature headers of the upgrade request.",
      ),
    signatureTolerance: durationSchema()
      .prefault("5m")
      .describe("How far a signature's webhook-timestamp may be from now (replay protection)."),
    allowUnauthenticated: z
      .boolean()
      .default(false)
      .describe("Accept connections without token or secret. For local development only; logs a warning at start."),
    maxPayload: byteSizeSchema()
      .prefault("16MiB")
      .describe("Largest message accepted (e.g. 16MiB); a larger one closes its connection with code 1009."),
    maxConnections: z
      .int()
      .positive()
      .default(64)
      .describe("Most connections open at once (one per bot); further handshakes get HTTP 503."),
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
