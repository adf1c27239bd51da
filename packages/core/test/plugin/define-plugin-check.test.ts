import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineSink } from "../../src/plugin/define-plugin.js";

describe("a plugin's check (what framepipe validate asks of it)", () => {
  it("is kept on the definition and called with validated options", async () => {
    const options = z.strictObject({ tool: z.string().default("encoder") });
    const sink = defineSink({
      type: "needs-tool",
      summary: "a sink that needs a program",
      options,
      check: (parsed) => (parsed.tool === "encoder" ? [] : [`${parsed.tool} is missing`]),
      create: () => ({ write() {} }),
    });
    expect(await sink.check?.(options.parse({}))).toEqual([]);
    expect(await sink.check?.(options.parse({ tool: "ffmpeg" }))).toEqual(["ffmpeg is missing"]);
  });

  it("must be a function", () => {
    expect(() =>
      defineSink({
        type: "bad",
        summary: "",
        options: z.strictObject({}),
        check: "ffmpeg" as never,
        create: () => ({ write() {} }),
      }),
    ).toThrow(/declares check, which must be a function/);
  });
});
