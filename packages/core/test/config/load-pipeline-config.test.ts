import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatConfigProblems } from "../../src/config/config-problem.js";
import { loadPipelineConfig } from "../../src/config/load-pipeline-config.js";
import { testPlugins } from "./support/test-plugins.js";

const configs = fileURLToPath(new URL("./support/configs/", import.meta.url));
const format = { relativeTo: configs };

describe("loadPipelineConfig", () => {
  it("reports a missing file as CONFIG_NOT_FOUND", async () => {
    for (const name of ["absent.yaml", "absent.ts"]) {
      const result = await loadPipelineConfig(`${configs}${name}`);
      expect(result).toEqual({
        ok: false,
        problems: [
          {
            file: `${configs}${name}`,
            path: "",
            message: "config file not found",
            severity: "error",
            code: "CONFIG_NOT_FOUND",
          },
        ],
      });
    }
  });

  it("rejects file types it cannot read", async () => {
    const result = await loadPipelineConfig(`${configs}pipeline.toml`);
    expect(!result.ok && formatConfigProblems(result.problems, format)).toBe(
      'pipeline.toml: unsupported config file type ".toml": use .yaml, .yml, .json, .ts, .mts, .js or .mjs',
    );
  });

  it("explains a code config without a default export", async () => {
    const result = await loadPipelineConfig(`${configs}no-default.ts`);
    expect(!result.ok && formatConfigProblems(result.problems, format)).toBe(
      "no-default.ts: the config module has no default export: write `export default definePipeline({ version: 1, … })`",
    );
  });

  it("calls a default-exported function to compute the config", async () => {
    const result = await loadPipelineConfig(`${configs}computed.mjs`, { builtins: testPlugins });
    expect(result.ok && result.config.sinks.map((sink) => sink.id)).toEqual(["disk"]);
    expect(result.ok && result.config.file).toBe(`${configs}computed.mjs`);
  });

  it("loads modules under plugins: relative to the config file and reports the ones missing", async () => {
    const result = await loadPipelineConfig(`${configs}with-plugins.yaml`, { builtins: testPlugins });
    expect(!result.ok && formatConfigProblems(result.problems, format)).toBe(
      "with-plugins.yaml:19:5 plugins[2]: package @framepipe/sink-not-installed is not installed",
    );
    expect(!result.ok && result.problems[0]?.code).toBe("PLUGIN_NOT_FOUND");
  });

  it("types interpolated values by what the option wants: numbers stay numbers, numeric tokens stay strings", async () => {
    const result = await loadPipelineConfig(`${configs}numeric-values.yaml`, {
      builtins: testPlugins,
      env: { PORT: "9000", TOKEN: "12345678", BUCKET: "2024", QUEUE: "16" },
    });
    if (!result.ok) throw new Error(formatConfigProblems(result.problems));
    expect(result.config.sources[0]?.options).toEqual({ port: 9000, path: "/", token: "12345678" });
    expect(result.config.sinks[0]?.options).toEqual({ bucket: "2024" });
    expect(result.config.runtime.queue).toBe(16);
  });
});
