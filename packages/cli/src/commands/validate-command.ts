import { relative, resolve } from "node:path";
import { describePipeline, formatConfigProblems, loadPipelineConfig } from "@framepipe/core";
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
  output.out(`${shownAs}: valid`);
  output.out(describePipeline(result.config));
  return 0;
}
