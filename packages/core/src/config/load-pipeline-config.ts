import { access, readFile } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import { describeError } from "../errors/framepipe-error.js";
import { type ConfigLoadResult, sortConfigProblems } from "./config-problem.js";
import type { Environment } from "./env-interpolation.js";
import { loadConfigModule } from "./load-config-module.js";
import { ProblemCollector } from "./problem-collector.js";
import { type PluginLookupOptions, validateConfigData } from "./validate-pipeline-config.js";
import { parseConfigDocument } from "./yaml-config-document.js";

/** Options of {@link loadPipelineConfig}. */
export interface LoadPipelineConfigOptions extends PluginLookupOptions {
  /** Variables for `${VAR}` interpolation in YAML/JSON files; default `process.env`. */
  readonly env?: Environment;
}

const documentExtensions = new Set([".yaml", ".yml", ".json"]);
const moduleExtensions = new Set([".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"]);

/**
 * Loads and validates a pipeline config file: YAML or JSON (with `${VAR}` interpolation and
 * `line:col` on every problem), or a `.ts`/`.mjs`/`.js` module default-exporting
 * `definePipeline({ … })` (its problems carry no position; it reads `process.env` itself).
 * Plugins resolve in order: `options.plugins` → `options.builtins` → `@framepipe/<kind>-<type>`
 * (from the file's folder, then `options.resolveFrom`) → modules under `plugins:`.
 * Never throws for a bad config: every problem comes back at once, sorted by position.
 */
export async function loadPipelineConfig(
  file: string,
  options: LoadPipelineConfigOptions = {},
): Promise<ConfigLoadResult> {
  const absolute = resolve(file);
  const baseDir = dirname(absolute);
  const extension = extname(absolute).toLowerCase();
  const problems = new ProblemCollector();
  const failed = (): ConfigLoadResult => ({
    ok: false,
    problems: sortConfigProblems(problems.toProblems(absolute, undefined)),
  });

  if (documentExtensions.has(extension)) {
    let text: string;
    try {
      text = await readFile(absolute, "utf8");
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === "ENOENT") problems.error([], "config file not found", { code: "CONFIG_NOT_FOUND" });
      else problems.error([], `cannot read the config file: ${describeError(error)}`, { code: "CONFIG_NOT_FOUND" });
      return failed();
    }
    const document = parseConfigDocument(
      text,
      { env: options.env ?? process.env, syntax: extension === ".json" ? "JSON" : "YAML" },
      problems,
    );
    return validateConfigData(document.raw, {
      file: absolute,
      baseDir,
      problems,
      options,
      locate: document.locate,
      retyped: document.retyped,
    });
  }

  if (moduleExtensions.has(extension)) {
    try {
      await access(absolute);
    } catch {
      problems.error([], "config file not found", { code: "CONFIG_NOT_FOUND" });
      return failed();
    }
    const loaded = await loadConfigModule(absolute);
    if (!loaded.ok) {
      problems.error([], loaded.message);
      return failed();
    }
    return validateConfigData(loaded.raw, { file: absolute, baseDir, problems, options });
  }

  problems.error(
    [],
    `unsupported config file type "${extension || "(none)"}": use .yaml, .yml, .json, .ts, .mts, .js or .mjs`,
  );
  return failed();
}
