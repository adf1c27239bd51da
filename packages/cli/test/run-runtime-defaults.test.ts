import { type PipelineConfig, validatePipelineConfig } from "@framepipe/core";
import { describe, expect, it } from "vitest";
import { withRunRuntimeDefaults } from "../src/run/run-runtime-defaults.js";
import { plugins } from "./fixtures/plugins.js";

async function validated(runtime: Record<string, unknown>): Promise<PipelineConfig> {
  const result = await validatePipelineConfig(
    {
      version: 1,
      sources: { fixture: { type: "fixture", count: 1 } },
      sinks: { counter: { type: "count", inputs: ["fixture"] } },
      runtime,
    },
    { plugins },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

describe("withRunRuntimeDefaults", () => {
  it("turns runtime.reclaimDroppedMemory on when the config does not set it (core leaves it unset: off)", async () => {
    const config = await validated({});
    expect(config.runtime.reclaimDroppedMemory).toBeUndefined();
    const resolved = withRunRuntimeDefaults(config);
    expect(resolved.runtime.reclaimDroppedMemory).toBe(true);
    expect(resolved.runtime).toEqual({ ...config.runtime, reclaimDroppedMemory: true });
    expect(resolved.sources).toBe(config.sources);
  });

  it("keeps an explicit false, and an explicit true", async () => {
    const off = await validated({ reclaimDroppedMemory: false });
    expect(withRunRuntimeDefaults(off).runtime.reclaimDroppedMemory).toBe(false);
    const on = await validated({ reclaimDroppedMemory: true });
    expect(withRunRuntimeDefaults(on).runtime.reclaimDroppedMemory).toBe(true);
  });
});
