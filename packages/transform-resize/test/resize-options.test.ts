import { formatConfigProblems, validatePipelineConfig } from "@framepipe/core";
import { createCollectSink, createMemorySource } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { resizeOptionsSchema } from "../src/resize-options.js";
import { resizeTransform } from "../src/resize-transform.js";

function issuesOf(options: unknown): { path: string; message: string }[] {
  const result = resizeOptionsSchema.safeParse(options);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

/** Validates a whole config with a resize transform, as `framepipe validate` would, and returns the printed problems. */
async function configProblems(thumbs: Record<string, unknown>): Promise<string> {
  const source = createMemorySource();
  const sink = createCollectSink();
  const result = await validatePipelineConfig(
    {
      version: 1,
      sources: { recall: { type: "memory" } },
      transforms: { thumbs: { type: "resize", inputs: ["recall"], ...thumbs } },
      sinks: { out: { type: "collect", inputs: ["thumbs"] } },
    },
    { plugins: [resizeTransform, source.definition, sink.definition] },
  );
  return result.ok ? "" : formatConfigProblems(result.problems);
}

describe("resize options", () => {
  it("fills in the documented defaults", () => {
    expect(resizeOptionsSchema.parse({ width: 320 })).toEqual({
      width: 320,
      fit: "inside",
      position: "center",
      background: "#000000",
      withoutEnlargement: true,
      format: "same",
      grayscale: false,
      keepMetadata: false,
      maxInputPixels: 4096 * 2304,
    });
  });

  it.each([
    { width: 320, height: 180, fit: "cover", position: "attention", format: "jpeg", quality: 70 },
    { format: "webp" },
    { grayscale: true },
    { crop: { left: 0, top: 0, width: 10, height: 10 } },
    { quality: 60 },
    { format: "avif", effort: 9 },
    { format: "webp", effort: 6, background: { r: 1, g: 2, b: 3, alpha: 0.5 } },
    { height: 90, background: "transparent", fit: "contain" },
    { width: 10, compressionLevel: 9 },
  ])("accepts %j", (options) => {
    expect(issuesOf(options)).toEqual([]);
  });

  it.each([
    { options: { width: 0 }, path: "width" },
    { options: { width: 16384 }, path: "width" },
    { options: { width: 12.5 }, path: "width" },
    { options: { height: -1 }, path: "height" },
    { options: { width: 10, quality: 101 }, path: "quality" },
    { options: { width: 10, quality: 0 }, path: "quality" },
    { options: { width: 10, compressionLevel: 10 }, path: "compressionLevel" },
    { options: { width: 10, fit: "stretch" }, path: "fit" },
    { options: { width: 10, format: "gif" }, path: "format" },
    { options: { crop: { left: -1, top: 0, width: 5, height: 5 } }, path: "crop.left" },
    { options: { crop: { left: 0, top: 0, width: 0, height: 5 } }, path: "crop.width" },
    { options: { crop: { left: 0, top: 0, width: 5 } }, path: "crop.height" },
    { options: { width: 10, background: "not-a-colour" }, path: "background" },
    { options: { width: 10, background: { r: 256, g: 0, b: 0 } }, path: "background.r" },
  ])("rejects $options at $path", ({ options, path }) => {
    expect(issuesOf(options).map((issue) => issue.path)).toContain(path);
  });

  it("rejects unknown keys", () => {
    const result = resizeOptionsSchema.safeParse({ width: 10, widht: 20 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.code)).toContain("unrecognized_keys");
  });

  it.each([
    {
      options: { format: "png", quality: 50 },
      path: "quality",
      message: "quality applies to jpeg, webp and avif; png is lossless (use compressionLevel)",
    },
    { options: { format: "jpeg", effort: 4 }, path: "effort", message: "effort applies to webp and avif, not jpeg" },
    { options: { format: "webp", effort: 7 }, path: "effort", message: "webp effort is 0-6" },
    {
      options: { format: "jpeg", compressionLevel: 3 },
      path: "compressionLevel",
      message: "compressionLevel applies to png output, not jpeg (use quality)",
    },
    {
      options: { width: 10, position: "entropy" },
      path: "position",
      message: "position entropy needs fit cover (fit is inside)",
    },
  ])("rejects $options: $message", ({ options, path, message }) => {
    expect(issuesOf(options)).toEqual([{ path, message }]);
  });

  it("rejects a transform that would do nothing", () => {
    expect(issuesOf({})).toEqual([{ path: "", message: expect.stringContaining("resize has nothing to do") }]);
    expect(issuesOf({ fit: "cover", keepMetadata: true })).toHaveLength(1);
  });
});

describe("resize options in a pipeline config", () => {
  it("reads as `path: expected …, got …`, every problem at once", async () => {
    expect(await configProblems({ width: 0, quality: 101, format: "jpg" })).toBe(
      [
        "transforms.thumbs.width: expected an integer from 1 to 16383, got 0",
        'transforms.thumbs.format: expected one of "same", "png", "jpeg", "webp", "avif", got "jpg"; did you mean "jpeg"?',
        "transforms.thumbs.quality: expected an integer from 1 to 100, got 101",
      ].join("\n"),
    );
  });

  it("explains options that contradict each other", async () => {
    expect(await configProblems({ width: 320, format: "png", quality: 80 })).toBe(
      "transforms.thumbs.quality: quality applies to jpeg, webp and avif; png is lossless (use compressionLevel), got 80",
    );
    expect(await configProblems({ width: 320, background: "blurple" })).toBe(
      'transforms.thumbs.background: expected a CSS colour such as black, #112233 or rgba(0,0,0,0), got "blurple"',
    );
  });

  it("accepts the thumbnail config of the design document", async () => {
    expect(await configProblems({ width: 320, height: 180, format: "jpeg" })).toBe("");
  });
});
