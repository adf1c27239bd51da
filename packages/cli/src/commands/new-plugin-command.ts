import { readdir } from "node:fs/promises";
import { relative } from "node:path";
import type { ComponentKind } from "@framepipe/core";
import type { CliOutput } from "../cli-output.js";
import { pluginNameProblem } from "../scaffold/plugin-names.js";
import { type PluginScaffold, planPluginScaffold } from "../scaffold/plugin-scaffold.js";
import { writeNewFiles } from "../scaffold/write-new-files.js";

/** Options of `framepipe new plugin`. */
export interface NewPluginCommandOptions {
  /** Where to write; default the working directory. */
  readonly dir?: string;
  /** A package folder instead of a local `.ts` file. */
  readonly package?: boolean;
  /** npm scope of the package name (`@acme`), with `package`. */
  readonly scope?: string;
}

function shown(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath === "" || relativePath.startsWith("..") ? path : relativePath;
}

async function isNonEmptyDirectory(path: string): Promise<boolean> {
  return readdir(path).then(
    (entries) => entries.length > 0,
    () => false,
  );
}

/**
 * `framepipe new plugin <kind> <name> [--dir path] [--package] [--scope @acme]`: writes a local
 * plugin file with its test (the contract suite of its kind), or a plugin package folder. Never
 * overwrites: exits 1 naming what already exists.
 */
export async function newPluginCommand(
  kind: string,
  name: string,
  options: NewPluginCommandOptions,
  output: CliOutput,
): Promise<number> {
  const problem = pluginNameProblem(kind, name, options.scope);
  if (problem !== undefined) {
    output.error(`framepipe new plugin: ${problem}`);
    return 1;
  }
  if (options.scope !== undefined && !options.package) {
    output.error("framepipe new plugin: --scope names a package: use it with --package");
    return 1;
  }
  const scaffold = planPluginScaffold({
    kind: kind as ComponentKind,
    name,
    directory: options.dir ?? process.cwd(),
    asPackage: options.package === true,
    ...(options.scope === undefined ? {} : { scope: options.scope }),
  });
  if (scaffold.packageDirectory !== undefined && (await isNonEmptyDirectory(scaffold.packageDirectory))) {
    output.error(`framepipe new plugin: ${shown(scaffold.packageDirectory)} already exists and is not empty`);
    return 1;
  }
  const result = await writeNewFiles(scaffold.files);
  if (!result.ok) {
    output.error(
      `framepipe new plugin: not overwriting ${result.existing.map(shown).join(", ")}; remove it or choose another name`,
    );
    return 1;
  }
  for (const file of result.written) output.out(`wrote ${shown(file)}`);
  output.out("");
  output.out(nextSteps(scaffold));
  return 0;
}

function nextSteps(scaffold: PluginScaffold): string {
  const { kind, type, packageName } = scaffold.names;
  const section = kind === "source" ? "sources" : `${kind}s`;
  const component = `${section}: { ${type}: { type: ${type},${kind === "source" ? "" : " inputs: [recall],"} … } }`;
  if (scaffold.packageDirectory !== undefined) {
    return [
      "Next:",
      `  cd ${shown(scaffold.packageDirectory)} && npm install && npm test`,
      `  in a pipeline, once the package is installed: plugins: ["${packageName}"]`,
      `  ${component}`,
    ].join("\n");
  }
  const libraries = `@framepipe/core, @framepipe/testing, zod${kind === "source" ? ", rxjs" : ""} and vitest`;
  return [
    "Next:",
    `  npx vitest run ${shown(scaffold.testFile)}   (with ${libraries} installed)`,
    `  in a pipeline: plugins: ["./${type}.ts"]   (a path relative to the pipeline file)`,
    `  ${component}`,
  ].join("\n");
}
