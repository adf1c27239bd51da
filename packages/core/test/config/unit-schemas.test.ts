import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatConfigProblems } from "../../src/config/config-problem.js";
import { describePluginOptions } from "../../src/config/describe-plugin-options.js";
import { optionUnitOf } from "../../src/config/option-unit.js";
import { byteSizeSchema, durationSchema } from "../../src/config/unit-schemas.js";
import { validatePipelineConfig } from "../../src/config/validate-pipeline-config.js";
import { defineTransform } from "../../src/plugin/define-plugin.js";
import { testPlugins } from "./support/test-plugins.js";

function messageOf(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues.map((issue) => issue.message).join("; ");
}

describe("durationSchema", () => {
  it.each([
    [500, 500],
    ["500", 500],
    ["500ms", 500],
    ["2s", 2000],
    ["1.5s", 1500],
    ["5m", 300_000],
    ["1h", 3_600_000],
  ])("reads %j as %d milliseconds", (input, milliseconds) => {
    expect(durationSchema().parse(input)).toBe(milliseconds);
  });

  it.each([-5, 0.5, "-1s", "soon", "5 minutes", "1d", "", true, null, Number.NaN])("rejects %j, naming it", (input) => {
    const message = messageOf(durationSchema(), input);
    expect(message).toMatch(
      /^expected a positive duration such as 500ms, 2s or 5m \(a bare number is milliseconds\), got /,
    );
  });

  it("rejects 0 unless allowZero", () => {
    expect(messageOf(durationSchema(), 0)).toMatch(/positive duration .*, got 0$/);
    expect(messageOf(durationSchema(), "0s")).toMatch(/positive duration .*, got 0$/);
    expect(messageOf(durationSchema(), "0.2ms")).toMatch(/positive duration/);
    expect(durationSchema({ allowZero: true }).parse(0)).toBe(0);
    expect(durationSchema({ allowZero: true }).parse("0s")).toBe(0);
    expect(messageOf(durationSchema({ allowZero: true }), -1)).toMatch(/^expected a duration such as 500ms/);
  });
});

describe("byteSizeSchema", () => {
  it.each([
    [65_536, 65_536],
    ["4096", 4096],
    ["512B", 512],
    ["64KiB", 65_536],
    ["64kb", 64_000],
    ["256MiB", 268_435_456],
    ["1GB", 1_000_000_000],
  ])("reads %j as %d bytes", (input, bytes) => {
    expect(byteSizeSchema().parse(input)).toBe(bytes);
  });

  it.each([-1, 1.5, "-1MiB", "lots", "1TB", "256 megs", 0, "0B"])("rejects %j, naming it", (input) => {
    expect(messageOf(byteSizeSchema(), input)).toMatch(
      /^expected a positive size such as 64KiB, 256MiB or 1GB \(a bare number is bytes\), got /,
    );
  });

  it("accepts 0 with allowZero", () => {
    expect(byteSizeSchema({ allowZero: true }).parse(0)).toBe(0);
  });
});

describe("option units", () => {
  it("are found through optional, default, prefault and describe, and only on unit schemas", () => {
    expect(optionUnitOf(durationSchema().prefault("30s").describe("x"))).toBe("duration");
    expect(optionUnitOf(durationSchema().optional())).toBe("duration");
    expect(optionUnitOf(byteSizeSchema().default(1024))).toBe("byteSize");
    expect(optionUnitOf(z.number().int())).toBeUndefined();
    expect(optionUnitOf(z.union([z.number(), z.string()]))).toBeUndefined();
  });

  it("give a JSON Schema of an integer in the base unit or a string with a unit", () => {
    const json = z.toJSONSchema(durationSchema().prefault("30s"), { io: "input" });
    expect(json).toMatchObject({
      default: "30s",
      anyOf: [
        { type: "integer", minimum: 1 },
        { type: "string", pattern: "^\\d+(\\.\\d+)?\\s*(ms|s|m|h)?$" },
      ],
    });
    const zeroAllowed = z.toJSONSchema(byteSizeSchema({ allowZero: true }), { io: "input" });
    expect(zeroAllowed).toMatchObject({ anyOf: [{ type: "integer", minimum: 0 }, { type: "string" }] });
  });

  it("label option tables as duration and size", () => {
    const options = z.strictObject({
      timeout: durationSchema().prefault("10s").describe("Timeout."),
      maxBody: byteSizeSchema().optional().describe("Largest body."),
    });
    expect(describePluginOptions({ options }).map((option) => [option.name, option.type])).toEqual([
      ["timeout", "duration"],
      ["maxBody", "size"],
    ]);
  });

  it("read the same in a pipeline file, with messages at the option's path", async () => {
    const paced = defineTransform({
      type: "paced",
      summary: "test",
      options: z.strictObject({ every: durationSchema().describe("x"), budget: byteSizeSchema().describe("x") }),
      create: () => ({ process: (frame) => frame }),
    });
    const config = (every: unknown, budget: unknown) => ({
      version: 1 as const,
      sources: { recall: { type: "websocket", token: "a-long-token" } },
      transforms: { paced: { type: "paced", inputs: ["recall"], every, budget } },
      sinks: { disk: { type: "fs", inputs: ["paced"], dir: "./frames" } },
    });
    const plugins = [...testPlugins, paced];
    const valid = await validatePipelineConfig(config("2s", "64KiB"), { plugins });
    if (!valid.ok) throw new Error(formatConfigProblems(valid.problems));
    expect(valid.config.transforms[0]?.options).toEqual({ every: 2000, budget: 65_536 });

    const invalid = await validatePipelineConfig(config("soon", -1), { plugins });
    const text = invalid.ok ? "" : formatConfigProblems(invalid.problems);
    expect(text).toContain(
      'transforms.paced.every: expected a positive duration such as 500ms, 2s or 5m (a bare number is milliseconds), got "soon"',
    );
    expect(text).toContain(
      "transforms.paced.budget: expected a positive size such as 64KiB, 256MiB or 1GB (a bare number is bytes), got -1",
    );

    const missing = await validatePipelineConfig(config(undefined, "1KiB"), { plugins });
    expect(missing.ok ? "" : formatConfigProblems(missing.problems)).toBe(
      "transforms.paced.every: missing required option (expected a positive duration such as 500ms, 2s or 5m " +
        "(a bare number is milliseconds))",
    );
  });
});
