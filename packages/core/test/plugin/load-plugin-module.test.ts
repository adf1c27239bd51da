import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { isPluginDefinition } from "../../src/plugin/define-plugin.js";
import { loadPluginModule, pluginDefinitionsFromModule } from "../../src/plugin/load-plugin-module.js";
import { isSecretSchema } from "../../src/plugin/secret.js";
import { resizeTransform, websocketSource } from "../config/support/test-plugins.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

describe("loadPluginModule", () => {
  it("loads a local .ts plugin file through tsx, without a build step", async () => {
    const result = await loadPluginModule("./blur-plugin.ts", { from: fixtures });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [definition] = result.definitions;
    expect(isPluginDefinition(definition)).toBe(true);
    expect(definition?.kind).toBe("transform");
    expect(definition?.type).toBe("blur");
    expect(definition?.options.parse({})).toEqual({ radius: 2 });
  });

  it("loads a .mjs module that exports a `plugins` array", async () => {
    const result = await loadPluginModule("./two-plugins.mjs", { from: fixtures });
    expect(result.ok && result.definitions.map((definition) => `${definition.kind}:${definition.type}`)).toEqual([
      "transform:grayscale",
      "sink:discard",
    ]);
  });

  it("reports a missing file as PLUGIN_NOT_FOUND", async () => {
    const result = await loadPluginModule("./nowhere.ts", { from: fixtures });
    expect(result).toMatchObject({ ok: false, code: "PLUGIN_NOT_FOUND", message: "file not found: ./nowhere.ts" });
  });

  it("reports a package that does not exist as PLUGIN_NOT_FOUND", async () => {
    const result = await loadPluginModule("@framepipe/sink-does-not-exist", { from: fixtures });
    expect(result).toMatchObject({
      ok: false,
      code: "PLUGIN_NOT_FOUND",
      message: "package @framepipe/sink-does-not-exist is not installed",
    });
  });

  it("reports a module that throws, or misses a dependency, as PLUGIN_LOAD_FAILED with the cause", async () => {
    const throwing = await loadPluginModule("./throws-on-load.ts", { from: fixtures });
    expect(throwing.ok).toBe(false);
    expect(!throwing.ok && throwing.code).toBe("PLUGIN_LOAD_FAILED");
    expect(!throwing.ok && throwing.message).toBe(
      "could not load plugin module ./throws-on-load.ts: boom while loading",
    );
    const missing = await loadPluginModule("./missing-dependency.mjs", { from: fixtures });
    expect(!missing.ok && missing.code).toBe("PLUGIN_LOAD_FAILED");
    expect(!missing.ok && missing.message).toContain("framepipe-package-that-does-not-exist");
  });

  it("reports a module without a definition as PLUGIN_INVALID", async () => {
    const result = await loadPluginModule("./not-a-plugin.ts", { from: fixtures });
    expect(!result.ok && result.code).toBe("PLUGIN_INVALID");
  });
});

describe("pluginDefinitionsFromModule", () => {
  it("accepts a default definition, a default array and a named `plugins` array", () => {
    expect(pluginDefinitionsFromModule({ default: resizeTransform })).toEqual([resizeTransform]);
    expect(pluginDefinitionsFromModule({ default: [resizeTransform, websocketSource] })).toEqual([
      resizeTransform,
      websocketSource,
    ]);
    expect(pluginDefinitionsFromModule({ plugins: [websocketSource] })).toEqual([websocketSource]);
  });

  it("rejects modules with no definition or with a stray value in the list", () => {
    expect(pluginDefinitionsFromModule({ default: { type: "x" } })).toBeUndefined();
    expect(pluginDefinitionsFromModule({ plugins: [resizeTransform, 42] })).toBeUndefined();
    expect(pluginDefinitionsFromModule({})).toBeUndefined();
  });
});

describe("secret marks across module copies", () => {
  it("sees a secret() made by a copy of core loaded through tsx", async () => {
    const result = await loadPluginModule("./secret-plugin.ts", { from: fixtures });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const options = result.definitions[0]?.options as unknown as { shape: Record<string, z.ZodType> } | undefined;
    const { token, name } = options?.shape ?? {};
    if (token === undefined || name === undefined) throw new Error("the fixture's schema changed");
    expect(isSecretSchema(token)).toBe(true);
    expect(isSecretSchema(name)).toBe(false);
  });
});
