import { relative, resolve } from "node:path";
import {
  describeError,
  describePipeline,
  formatConfigProblems,
  loadPipelineConfig,
  type PipelineConfig,
} from "@framepipe/core";
import type { CliOutput } from "../cli-output.js";
import { officialPlugins } from "../official-plugins.js";
import { cliPackageDirectory } from "../package-info.js";

/**
 * `framepipe validate <config>`: exit 0 with a short description of the graph, or exit 1 with
 * every problem as `file:line:col path: message`.
 */
export async function validateCommand(configFile: string, output: CliOutput): Promise<number> {
  const file = resolve(configFile);
  const result = await loadPipelineConfig(file, {
    builtins: officialPlugins(),
    resolveFrom: [cliPackageDirectory],
  });
  const shownAs = relative(process.cwd(), file) || file;
  if (!result.ok) {
    output.error(formatConfigProblems(result.problems));
    const count = result.problems.filter((problem) => problem.severity === "error").length;
    output.error(`${shownAs}: ${count} problem${count === 1 ? "" : "s"} found`);
    return 1;
  }
  if (result.warnings.length > 0) output.error(formatConfigProblems(result.warnings));
  const environmentProblems = await checkComponents(result.config);
  if (environmentProblems.length > 0) {
    for (const problem of environmentProblems) output.error(`${shownAs} ${problem}`);
    const count = environmentProblems.length;
    output.error(
      `${shownAs}: the config is valid, but ${count} thing${count === 1 ? "" : "s"} it needs ${count === 1 ? "is" : "are"} missing here`,
    );
    return 1;
  }
  output.out(`${shownAs}: valid`);
  output.out(describePipeline(result.config));
  return 0;
}

/**
 * Runs each component's `check` (what its options need outside the config: ffmpeg for the video
 * sink, say) and returns `sinks.videos: …` lines. A check that throws is reported, not fatal.
 */
async function checkComponents(config: PipelineConfig): Promise<string[]> {
  const components = [...config.sources, ...config.transforms, ...config.sinks];
  const found = await Promise.all(
    components.map(async (component) => {
      const check = component.definition.check;
      if (!check) return [];
      const where = `${component.kind}s.${component.id}`;
      try {
        return (await check(component.options)).map((problem) => `${where}: ${problem}`);
      } catch (error) {
        return [`${where}: its check failed: ${describeError(error)}`];
      }
    }),
  );
  return found.flat();
}
