import { dirname, resolve } from "node:path";
import { type AnyPluginDefinition, isPluginDefinition } from "../plugin/define-plugin.js";
import type { PluginResolver } from "../plugin/resolve-plugin.js";
import { type ComponentEntry, isPlainObject, readComponentEntries } from "./component-entries.js";
import type { ConfigPath } from "./config-path.js";
import { createConfigResolver, loadListedPlugins } from "./config-plugins.js";
import { type ConfigLoadResult, sortConfigProblems } from "./config-problem.js";
import { type Environment, interpolateEnv } from "./env-interpolation.js";
import { describeValue } from "./expectation.js";
import { checkGraph } from "./graph-checks.js";
import type { ComponentConfig, PipelineConfig } from "./pipeline-config.js";
import { type ConfigLocator, ProblemCollector } from "./problem-collector.js";
import { type RetypedScalar, restoreStringScalars } from "./retyped-scalars.js";
import { apiSchema, logSchema, runtimeSchema } from "./section-schemas.js";
import { validateComponentOptions } from "./validate-component-options.js";
import type { AnySchema } from "./zod-introspection.js";
import { reportZodIssues, unknownKeyMessage } from "./zod-issue-messages.js";

/** Where plugins come from, besides `@framepipe/<kind>-<type>` packages and the config's `plugins:`. */
export interface PluginLookupOptions {
  /** Plugins registered in code: resolved first, before built-ins. */
  readonly plugins?: readonly AnyPluginDefinition[];
  /** Built-in plugins (core's light transforms, the official plugins a host bundles). */
  readonly builtins?: readonly AnyPluginDefinition[];
  /** Extra folders `@framepipe/<kind>-<type>` packages are imported from, after the config's folder. */
  readonly resolveFrom?: readonly string[];
}

/** Options of `validatePipelineConfig`. */
export interface ValidatePipelineConfigOptions extends PluginLookupOptions {
  /** The file the object came from, shown in problems; null (the default) for code. */
  readonly file?: string | null;
  /** Folder relative paths resolve against; default: the file's folder, else the working directory. */
  readonly baseDir?: string;
  /**
   * When given, `${VAR}` references in string values are expanded from it (no re-typing: values
   * stay strings). Without it, objects from code are taken as written.
   */
  readonly env?: Environment;
}

const topLevelKeys = ["version", "sources", "transforms", "sinks", "runtime", "api", "log", "plugins"];

/**
 * Validates an already-parsed config object (for embedding: `createPipeline(objectConfig)`), with
 * the same checks, plugin resolution and result as `loadPipelineConfig`. Problems carry no line
 * numbers. Never throws for a bad config.
 */
export async function validatePipelineConfig(
  raw: unknown,
  options: ValidatePipelineConfigOptions = {},
): Promise<ConfigLoadResult> {
  const file = options.file ?? null;
  const baseDir = resolve(options.baseDir ?? (file === null ? process.cwd() : dirname(file)));
  const problems = new ProblemCollector();
  const data = options.env === undefined ? raw : interpolateObject(raw, options.env, [], problems);
  return validateConfigData(data, { file, baseDir, problems, options });
}

/** The shared validation behind `loadPipelineConfig` and `validatePipelineConfig`. */
export async function validateConfigData(
  raw: unknown,
  context: {
    readonly file: string | null;
    readonly baseDir: string;
    readonly problems: ProblemCollector;
    readonly options: PluginLookupOptions;
    readonly locate?: ConfigLocator;
    readonly retyped?: readonly RetypedScalar[];
  },
): Promise<ConfigLoadResult> {
  const { file, baseDir, problems, options } = context;
  const retyped = context.retyped ?? [];
  const finish = (config?: PipelineConfig): ConfigLoadResult => {
    const all = sortConfigProblems(problems.toProblems(file, context.locate));
    if (config !== undefined && !problems.hasErrors) {
      return { ok: true, config, warnings: all };
    }
    return { ok: false, problems: all };
  };

  if (raw === undefined && problems.hasErrors) return finish();
  if (raw === undefined || raw === null) {
    problems.error([], "the config is empty: start it with `version: 1`");
    return finish();
  }
  if (!isPlainObject(raw)) {
    problems.error([], `expected a map of settings at the top of the config, got ${describeValue(raw)}`);
    return finish();
  }

  for (const key of Object.keys(raw)) {
    // `x-…` keys hold YAML anchors shared by several components, as in Docker Compose files.
    if (!topLevelKeys.includes(key) && !key.startsWith("x-")) {
      problems.error([key], unknownKeyMessage("key", key, topLevelKeys), { anchor: "key" });
    }
  }
  checkVersion(raw.version, problems);

  const runtime = parseSection(runtimeSchema, raw.runtime, "runtime", problems, retyped);
  const api = parseSection(apiSchema, raw.api, "api", problems, retyped);
  const log = parseSection(logSchema, raw.log, "log", problems, retyped);

  const plugins = await loadListedPlugins(raw.plugins, baseDir, problems);
  const resolver = createConfigResolver(options, plugins, baseDir, problems);
  const entries = readComponentEntries(raw, problems);
  const components = await Promise.all(entries.map((entry) => resolveComponent(entry, resolver, problems, retyped)));
  checkGraph(entries, problems);

  if (runtime !== undefined && runtime.deadLetterDir === null) {
    for (const entry of entries) {
      if (entry.onError === "dead-letter") {
        problems.error(
          [...entry.path, "onError"],
          "`dead-letter` needs `runtime.deadLetterDir`: the folder failed frames are written to",
        );
      }
    }
  }

  if (problems.hasErrors || runtime === undefined || api === undefined || log === undefined) return finish();
  const ofKind = (kind: ComponentConfig["kind"]) =>
    components.filter((component): component is ComponentConfig => component?.kind === kind);
  const config: PipelineConfig = Object.freeze({
    version: 1,
    sources: ofKind("source"),
    transforms: ofKind("transform"),
    sinks: ofKind("sink"),
    runtime: Object.freeze({
      ...runtime,
      deadLetterDir: runtime.deadLetterDir === null ? null : resolve(baseDir, runtime.deadLetterDir),
    }),
    api: Object.freeze(api),
    log: Object.freeze(log),
    plugins: plugins.specifiers,
    baseDir,
    file,
  });
  return finish(config);
}

function checkVersion(version: unknown, problems: ProblemCollector): void {
  if (version === 1) return;
  if (version === undefined) {
    problems.error(["version"], "missing `version: 1` (the config format version) at the top of the file");
  } else {
    problems.error(["version"], `unsupported config version ${describeValue(version)}: this framepipe reads version 1`);
  }
}

function parseSection<Schema extends typeof runtimeSchema | typeof apiSchema | typeof logSchema>(
  schema: Schema,
  value: unknown,
  section: string,
  problems: ProblemCollector,
  retyped: readonly RetypedScalar[],
): ReturnType<Schema["parse"]> | undefined {
  const written = restoreStringScalars(value === null ? undefined : value, [section], schema as AnySchema, retyped);
  const result = schema.safeParse(written, { reportInput: true });
  if (result.success) return result.data as ReturnType<Schema["parse"]>;
  if (!isPlainObject(value)) {
    problems.error([section], `expected a map of ${section} settings, got ${describeValue(value)}`);
    return undefined;
  }
  reportZodIssues({
    schema: schema as AnySchema,
    issues: result.error.issues,
    basePath: [section],
    problems,
    noun: "key",
  });
  return undefined;
}

async function resolveComponent(
  entry: ComponentEntry,
  resolver: PluginResolver,
  problems: ProblemCollector,
  retyped: readonly RetypedScalar[],
): Promise<ComponentConfig | undefined> {
  if (entry.type === undefined || entry.malformed) return undefined;
  const resolution = await resolver.resolve(entry.kind, entry.type);
  if (!resolution.ok) {
    problems.error([...entry.path, "type"], resolution.message, { code: resolution.code });
    return undefined;
  }
  const schema = resolution.definition.options as unknown as AnySchema;
  const written = restoreStringScalars(entry.options, entry.path, schema, retyped) as ComponentEntry["options"];
  const options = await validateComponentOptions({ ...entry, options: written }, resolution.definition, problems);
  if (options === undefined) return undefined;
  return Object.freeze({
    id: entry.id,
    kind: entry.kind,
    type: entry.type,
    inputs: Object.freeze(entry.inputs.map((input) => input.id)),
    onError: entry.onError,
    concurrency: entry.concurrency,
    options: Object.freeze(options),
    definition: resolution.definition,
  });
}

function interpolateObject(value: unknown, env: Environment, path: ConfigPath, problems: ProblemCollector): unknown {
  if (typeof value === "string") {
    const result = interpolateEnv(value, env);
    if (result.ok) return result.value;
    for (const message of result.messages) problems.error(path, message);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateObject(item, env, [...path, index], problems));
  if (isPlainObject(value) && !isPluginDefinition(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateObject(item, env, [...path, key], problems)]),
    );
  }
  return value;
}
