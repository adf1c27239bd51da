import { EMPTY } from "rxjs";
import { z } from "zod";
import { defineSink, defineSource, defineTransform, secret } from "../../../src/plugin/index.js";

/** A stand-in for the websocket source: same option shape, does nothing. */
export const websocketSource = defineSource({
  type: "websocket",
  summary: "Receives Recall realtime video over a websocket (test double).",
  options: z.strictObject({
    port: z.number().int().min(1).max(65535).default(8080).describe("Port to listen on."),
    path: z.string().startsWith("/").default("/").describe("URL path Recall connects to."),
    token: secret(z.string().min(8)).optional().describe("Token Recall must send."),
  }),
  create: () => ({ events$: EMPTY }),
});

/** A stand-in for the resize transform. */
export const resizeTransform = defineTransform({
  type: "resize",
  summary: "Resizes frames (test double).",
  options: z.strictObject({
    width: z.number().int().positive().describe("Target width in pixels."),
    height: z.number().int().positive().optional().describe("Target height in pixels."),
    format: z.enum(["png", "jpeg", "webp"]).default("png").describe("Output image format."),
  }),
  create: () => ({ process: (frame) => frame }),
});

/** A stand-in for the fs sink. */
export const fsSink = defineSink({
  type: "fs",
  summary: "Writes frames to files (test double).",
  options: z.strictObject({
    dir: z.string().min(1).describe("Output root folder."),
    path: z.string().default("{recording.id}/{participant.id}/{type}/{seq}.{ext}").describe("File path template."),
  }),
  create: () => ({ write: () => {} }),
});

/** A sink with a nested secret object, for redaction tests. */
export const bucketSink = defineSink({
  type: "bucket",
  summary: "Uploads frames to a bucket (test double).",
  options: z.strictObject({
    bucket: z.string().describe("Bucket name."),
    credentials: secret(
      z.strictObject({ accessKeyId: z.string(), secretAccessKey: z.string() }).describe("Access keys."),
    ).optional(),
    signingSecret: secret(z.string()).describe("Signing secret.").optional(),
  }),
  create: () => ({ write: () => {} }),
});

/** The test plugins, as a host would pass them (`builtins` or `plugins`). */
export const testPlugins = [websocketSource, resizeTransform, fsSink, bucketSink];
