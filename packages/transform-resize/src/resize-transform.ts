import { defineTransform } from "@framepipe/core";
import { createFrameResizer } from "./frame-resizer.js";
import { resizeOptionsSchema } from "./resize-options.js";
import { configureSharpForFrames } from "./sharp-settings.js";

/**
 * The `resize` transform: resizes, crops and re-encodes each frame with sharp. Per-frame and
 * stateless, so frame sizes may change mid-stream and the runtime may keep several frames in
 * flight (`runtime.concurrency`) while it keeps each stream's order.
 */
export const resizeTransform = defineTransform({
  type: "resize",
  summary: "Resizes, crops and re-encodes frames (png, jpeg, webp, avif) with sharp.",
  options: resizeOptionsSchema,
  async create(options, context) {
    configureSharpForFrames();
    const resize = await createFrameResizer(options, { component: context.label });
    return { process: resize };
  },
});
