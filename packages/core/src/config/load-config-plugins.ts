import { readFile } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import { describeError } from "../errors/framepipe-error.js";
import type { AnyPluginDefinition } from "../plugin/define-plugin.js";
import { loadListedPlugins } from "./config-plugins.js";
import { type ConfigProblem, sortConfigProblems } from "./config-problem.js";
import type { Environment } from "./env-interpolation.js";
import { loadConfigModule } from "./load-config-module.js";
import { type ConfigLocator, ProblemCollector } from "./problem-collector.js";
import { parseConfigDocument } from "./yaml-config-document.js";

/** What {@link loadConfigPlugins} found. */
export interface ConfigPlugins {
  /** Every plugin the config's `plugins:` list defines, in list order. */
  readonly definitions: readonly AnyPluginDefinition[];
  /** Problems with the list itself (a module that does not load, a type defined twice). */
  readonly problems: readonly ConfigProblem[];
}

/**
 * Loads the plugins a config file lists under `plugins:` (local `.ts`/`.js` modules or package
 * names), without validating the rest of the file: `framepipe schema --config` and
 * `framepipe plugins --config` use it so that editor completion and the option listing cover a
 * project's own plugins while its config is still being written. A missing environment variable
 * elsewhere in the file does not stop it.
 */
export async function loadConfigPlugins(
  file: string,
  options: { readonly env?: Environment } = {},
): Promise<ConfigPlugins> {
  const absolute = resolve(file);
  const problems = new ProblemCollector();
  const extension = extname(absolute).toLowerCase();
  let raw: unknown;
  let locate: ConfigLocator | undefined;
  if (extension === ".yaml" || extension === ".yml" || extension === ".json") {
    let text: string | undefined;
    try {
      text = await readFile(absolute, "utf8");
    } catch (error) {
      problems.error([], `cannot read the config file: ${describeError(error)}`, { code: "CONFIG_NOT_FOUND" });
    }
    if (text !== undefined) {
      // Interpolation problems belong to `validate`; only the plugin list matters here.
      const document = parseConfigDocument(
        text,
        { env: options.env ?? process.env, syntax: extension === ".json" ? "JSON" : "YAML" },
        new ProblemCollector(),
      );
      raw = document.raw;
      locate = document.locate;
    }
  } else {
    const loaded = await loadConfigModule(absolute);
    if (loaded.ok) raw = loaded.raw;
    else problems.error([], loaded.message);
  }
  const list = typeof raw === "object" && raw !== null ? (raw as { plugins?: unknown }).plugins : undefined;
  const listed = await loadListedPlugins(list, dirname(absolute), problems);
  return {
    definitions: [...listed.modules.flatMap((module) => module.definitions), ...listed.definitions],
    problems: sortConfigProblems(problems.toProblems(absolute, locate)),
  };
}
