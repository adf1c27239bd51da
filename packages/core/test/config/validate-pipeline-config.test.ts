// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are config text with ${VAR} references.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createConfigError, formatConfigProblems } from "../../src/config/config-problem.js";
import { definePipeline } from "../../src/config/define-pipeline.js";
import { validatePipelineConfig } from "../../src/config/validate-pipeline-config.js";
import { FramepipeError } from "../../src/errors/framepipe-error.js";
import { defineTransform } from "../../src/plugin/define-plugin.js";
import { fsSink, resizeTransform, testPlugins, websocketSource } from "./support/test-plugins.js";

const pluginFixtures = fileURLToPath(new URL("../plugin/fixtures/", import.meta.url));

const minimal = definePipeline({
  version: 1,
  sources: { recall: { type: "websocket", token: "a-long-token" } },
  transforms: { thumbs: { type: "resize", inputs: ["recall"], width: 320 } },
  sinks: { disk: { type: "fs", inputs: ["thumbs"], dir: "./frames" } },
});

describe("validatePipelineConfig", () => {
  it("returns the normalised config with defaults and definitions", async () => {
    const result = await validatePipelineConfig(
      { ...minimal, runtime: { idleTimeout: "5m", maxInFlightBytes: "1GiB", deadLetterDir: "dead" } },
      { plugins: testPlugins, baseDir: "/srv/pipeline" },
    );
    if (!result.ok) throw new Error(formatConfigProblems(result.problems));
    const { config } = result;
    expect(config.file).toBeNull();
    expect(config.baseDir).toBe("/srv/pipeline");
    expect(config.sources[0]).toMatchObject({
      id: "recall",
      kind: "source",
      type: "websocket",
      inputs: [],
      onError: "drop",
      options: { port: 8080, path: "/", token: "a-long-token" },
    });
    expect(config.sources[0]?.definition).toBe(websocketSource);
    expect(config.transforms[0]).toMatchObject({ inputs: ["recall"], options: { width: 320, format: "png" } });
    expect(config.transforms[0]?.definition).toBe(resizeTransform);
    expect(config.sinks[0]?.definition).toBe(fsSink);
    expect(config.runtime).toEqual({
      queue: 64,
      overflow: "block",
      maxInFlightBytes: 1024 ** 3,
      concurrency: 8,
      idleTimeout: 300_000,
      shutdownTimeout: 30_000,
      deadLetterDir: "/srv/pipeline/dead",
    });
    // Not set: off in core (embedding); only `framepipe run` turns it on.
    expect(config.runtime.reclaimDroppedMemory).toBeUndefined();
    expect(config.api).toEqual({ port: 9464, host: "127.0.0.1" });
    expect(config.log).toEqual({ level: "info" });
  });

  it("takes objects from code as written unless env is given", async () => {
    const config = {
      ...minimal,
      sinks: { disk: { type: "fs", inputs: ["thumbs"], dir: "${FRAMES_DIR}/x" } },
    };
    const literal = await validatePipelineConfig(config, { builtins: testPlugins });
    expect(literal.ok && literal.config.sinks[0]?.options.dir).toBe("${FRAMES_DIR}/x");
    const expanded = await validatePipelineConfig(config, { builtins: testPlugins, env: { FRAMES_DIR: "/data" } });
    expect(expanded.ok && expanded.config.sinks[0]?.options.dir).toBe("/data/x");
    const missing = await validatePipelineConfig(config, { builtins: testPlugins, env: {} });
    expect(!missing.ok && formatConfigProblems(missing.problems)).toBe(
      "sinks.disk.dir: environment variable FRAMES_DIR is not set (use `${FRAMES_DIR:-default}` for a default)",
    );
  });

  it("accepts plugin definitions listed under plugins in code", async () => {
    const blur = defineTransform({
      type: "blur",
      summary: "blur",
      options: z.strictObject({ radius: z.number().default(1) }),
      create: () => ({ process: (frame) => frame }),
    });
    const result = await validatePipelineConfig(
      {
        ...minimal,
        transforms: { soft: { type: "blur", inputs: ["recall"] } },
        sinks: { disk: { type: "fs", inputs: ["soft"], dir: "./frames" } },
        plugins: [blur],
      },
      { builtins: testPlugins },
    );
    expect(result.ok && result.config.transforms[0]?.options).toEqual({ radius: 1 });
    expect(result.ok && result.config.plugins).toEqual([]);
  });

  it("loads local .ts plugins listed under plugins, relative to baseDir", async () => {
    const result = await validatePipelineConfig(
      {
        ...minimal,
        transforms: { soft: { type: "blur", inputs: ["recall"], radius: 4 } },
        sinks: { disk: { type: "fs", inputs: ["soft"], dir: "./frames" } },
        plugins: ["./blur-plugin.ts"],
      },
      { builtins: testPlugins, baseDir: pluginFixtures },
    );
    if (!result.ok) throw new Error(formatConfigProblems(result.problems));
    expect(result.config.transforms[0]?.options).toEqual({ radius: 4 });
    expect(result.config.plugins).toEqual([`${pluginFixtures}blur-plugin.ts`]);
  });

  it("reports plugin modules that cannot be found or loaded at their list entry", async () => {
    const result = await validatePipelineConfig(
      { ...minimal, plugins: ["@framepipe/transform-not-installed-anywhere", "./throws-on-load.ts", 7] },
      { builtins: testPlugins, baseDir: pluginFixtures },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => [problem.path, problem.code, problem.message])).toEqual([
      ["plugins[0]", "PLUGIN_NOT_FOUND", "package @framepipe/transform-not-installed-anywhere is not installed"],
      ["plugins[1]", "PLUGIN_LOAD_FAILED", "could not load plugin module ./throws-on-load.ts: boom while loading"],
      ["plugins[2]", "CONFIG_INVALID", "expected a module path or package name, got 7"],
    ]);
  });

  it("reports an unknown type as PLUGIN_NOT_FOUND on its type key", async () => {
    const result = await validatePipelineConfig(
      { ...minimal, sinks: { disk: { type: "kafka", inputs: ["thumbs"] } } },
      { builtins: testPlugins },
    );
    expect(!result.ok && result.problems).toEqual([
      expect.objectContaining({
        path: "sinks.disk.type",
        code: "PLUGIN_NOT_FOUND",
        severity: "error",
        file: null,
        message: expect.stringContaining("known sink types: bucket, fs"),
      }),
    ]);
  });

  it("never echoes a secret value, even in a nested secret object", async () => {
    const result = await validatePipelineConfig(
      {
        ...minimal,
        sources: { recall: { type: "websocket", token: "short" } },
        sinks: {
          disk: { type: "fs", inputs: ["thumbs"], dir: "./frames" },
          bucket: {
            type: "bucket",
            inputs: ["thumbs"],
            bucket: "b",
            credentials: { accessKeyId: 42, secretAccessKey: "hunter2-very-secret" },
            signingSecret: 99,
          },
        },
      },
      { builtins: testPlugins },
    );
    const text = !result.ok ? formatConfigProblems(result.problems) : "";
    expect(text).toBe(
      [
        "sources.recall.token: expected a string of at least 8 characters, got [redacted]",
        "sinks.bucket.credentials.accessKeyId: expected a string, got [redacted]",
        "sinks.bucket.signingSecret: expected a string, got [redacted]",
      ].join("\n"),
    );
  });

  it("turns problems into one FramepipeError for hosts that throw", async () => {
    const result = await validatePipelineConfig({ version: 3 }, { builtins: testPlugins });
    if (result.ok) throw new Error("expected problems");
    const error = createConfigError(result.problems);
    expect(FramepipeError.isInstance(error)).toBe(true);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toBe(
      [
        "[framepipe] invalid pipeline config (3 problems):",
        "version: unsupported config version 3: this framepipe reads version 1",
        "sources: the pipeline has no source: add one under `sources:`",
        "sinks: the pipeline has no sink: add one under `sinks:`",
      ].join("\n"),
    );
  });

  it("rejects a top level that is not a map", async () => {
    const result = await validatePipelineConfig(["not", "a", "map"]);
    expect(!result.ok && formatConfigProblems(result.problems)).toBe(
      "expected a map of settings at the top of the config, got a list",
    );
  });
});
