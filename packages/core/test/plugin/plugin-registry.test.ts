import { describe, expect, it } from "vitest";
import { FramepipeError } from "../../src/errors/framepipe-error.js";
import { createPluginRegistry } from "../../src/plugin/plugin-registry.js";
import { fsSink, resizeTransform, websocketSource } from "../config/support/test-plugins.js";

describe("createPluginRegistry", () => {
  it("finds definitions by kind and type and lists them in order", () => {
    const registry = createPluginRegistry([websocketSource, resizeTransform]);
    registry.register(fsSink);
    expect(registry.get("transform", "resize")).toBe(resizeTransform);
    expect(registry.get("sink", "resize")).toBeUndefined();
    expect(registry.list()).toEqual([websocketSource, resizeTransform, fsSink]);
    expect(registry.list("sink")).toEqual([fsSink]);
  });

  it("rejects a second definition of the same kind and type", () => {
    const registry = createPluginRegistry([resizeTransform]);
    let thrown: unknown;
    try {
      registry.register(resizeTransform);
    } catch (error) {
      thrown = error;
    }
    expect(FramepipeError.isInstance(thrown)).toBe(true);
    expect((thrown as FramepipeError).code).toBe("PLUGIN_INVALID");
    expect((thrown as FramepipeError).message).toContain('type "resize" is already registered');
  });

  it("rejects values that are not plugin definitions", () => {
    const registry = createPluginRegistry();
    expect(() => registry.register({ kind: "sink", type: "fake" } as never)).toThrow(/not a plugin definition/);
  });
});
