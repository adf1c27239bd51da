import { callStatement } from "./code-layout.js";
import type { PluginNames } from "./plugin-names.js";
import type { PluginSources } from "./plugin-sources.js";

/**
 * A per-frame transform that drops frames whose encoded image is tiny (blank tiles) and passes the
 * others on: small enough to read at a glance, and it shows options, `process`, `null` for a drop
 * and where per-stream state would go. Its test runs the transform contract plus its own case.
 */
export function transformTemplate(names: PluginNames, pluginImport: string): PluginSources {
  const { type } = names;
  const plugin = `import { byteSizeSchema, defineTransform } from "@framepipe/core/plugin";
import { z } from "zod";

/**
 * The \`${type}\` transform. A starting point: it drops frames whose encoded image is smaller than
 * \`minBytes\` (blank or black tiles compress to very little) and passes every other frame on
 * unchanged. Replace \`process\` with your own logic.
 *
 * Frames are immutable: to change the image, return \`withImage(frame, { data, format, width, height })\`
 * (from "@framepipe/core/plugin") with a new buffer. For state per participant stream (throttling,
 * change detection), return \`{ stream: (info) => (frames$) => frames$.pipe(...) }\` instead of
 * \`{ process }\`: each (recording, participant, webcam/screenshare) stream gets its own operator.
 */
export default defineTransform({
  type: "${type}",
  summary: "Drops frames whose encoded image is smaller than minBytes; passes the others on.",
  options: z.strictObject({
    // Sizes follow framepipe's one rule: a bare number is bytes, strings carry a unit (1KiB, 2MiB).
    minBytes: byteSizeSchema({ allowZero: true })
      .prefault("1KiB")
      .describe("Frames whose encoded image is smaller than this (e.g. 1KiB) are dropped (counted as filtered)."),
  }),
  create(options, context) {
${callStatement("    ", "context.logger.debug", ["{ minBytes: options.minBytes }", `"${type} transform created"`])}
    return {
      // Called once per frame, in order within each stream; may be async. Return the frame, a new
      // frame, several frames, or null to drop it. A thrown error fails this frame only (onError).
      process(frame) {
        return frame.image.data.length < options.minBytes ? null : frame;
      },
    };
  },
});
`;

  const test = `import { createTestContext, createTestFrame, transformContract } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import plugin from "${pluginImport}";

// The checks every transform must pass: a valid definition, frozen output frames whose size
// matches their image, inputs never mutated, per-stream order and frame identity kept.
transformContract({ it, describe, expect, definition: plugin, validOptions: { minBytes: 0 } });

describe("${type}", () => {
  async function run(minBytes: number, frame = createTestFrame()) {
    const transform = await plugin.create(plugin.options.parse({ minBytes }), createTestContext({ kind: "transform" }));
    if (!transform.process) throw new Error("expected a per-frame transform");
    return transform.process(frame);
  }

  it("drops a frame whose image is smaller than minBytes", async () => {
    const frame = createTestFrame();
    expect(await run(frame.image.data.length + 1, frame)).toBeNull();
  });

  it("passes a frame of at least minBytes on unchanged", async () => {
    const frame = createTestFrame();
    expect(await run(frame.image.data.length, frame)).toBe(frame);
  });

  it("rejects options it does not know", () => {
    expect(plugin.options.safeParse({ minByte: 10 }).success).toBe(false);
  });
});
`;
  return { plugin, test };
}
