import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as core from "../../src/index.js";
import * as pluginApi from "../../src/plugin/index.js";
import { pathTemplateFieldList, pathTemplateSchema } from "../../src/templates/path-template-schema.js";
import { pathTemplateFields } from "../../src/templates/template-fields.js";

describe("pathTemplateSchema", () => {
  it("accepts a valid template", () => {
    expect(pathTemplateSchema.parse("{recording.id}/{seq}.{ext}")).toBe("{recording.id}/{seq}.{ext}");
  });

  it("reports every problem as its own issue", () => {
    const result = pathTemplateSchema.safeParse("/{nope}/{seq");
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((issue) => issue.message) ?? [];
    expect(messages).toEqual([
      expect.stringContaining("unknown field {nope}"),
      expect.stringContaining('unclosed "{"'),
    ]);
  });

  it("rejects non-strings", () => {
    expect(pathTemplateSchema.safeParse(42).success).toBe(false);
  });

  it("describes every field", () => {
    for (const field of pathTemplateFields) {
      expect(pathTemplateSchema.description).toContain(`{${field.name}}`);
      expect(pathTemplateFieldList).toContain(`{${field.name}}`);
    }
  });

  it("works inside a plugin's strict options with a default and its own description", () => {
    const options = z.strictObject({ key: pathTemplateSchema.default("{seq}.{ext}").describe("Object key") });
    expect(options.parse({})).toEqual({ key: "{seq}.{ext}" });
    const failure = options.safeParse({ key: "../{seq}" });
    expect(failure.error?.issues[0]?.path).toEqual(["key"]);
    expect(failure.error?.issues[0]?.message).toContain('".." is not allowed');
  });

  it("is exported from @framepipe/core and @framepipe/core/plugin", () => {
    for (const module of [core, pluginApi]) {
      expect(module.compilePathTemplate).toBeTypeOf("function");
      expect(module.toSafeSegment).toBeTypeOf("function");
      expect(module.pathTemplateSchema).toBe(pathTemplateSchema);
    }
  });
});
