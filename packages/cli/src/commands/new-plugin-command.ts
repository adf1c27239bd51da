import { readdir } from "node:fs/promises";
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { ComponentKind } from "@framepipe/core";
import type { CliOutput } from "../cli-output.js";
import { framepipeCommand } from "../invocation.js";
import { scaffoldVersions } from "../scaffold/package-versions.js";
import { pluginNameProblem } from "../scaffold/plugin-names.js";
import { type PluginScaffold, planPluginScaffold } from "../scaffold/plugin-scaffold.js";
import { runtimeDependenciesByKind } from "../scaffold/plugin-sources.js";
import { addDevCommand, execCommand, projectContext } from "../scaffold/project-context.js";
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

/** The packages a local plugin file and its test import. */
function importedPackages(kind: ComponentKind): string[] {
  return ["@framepipe/core", ...runtimeDependenciesByKind[kind], "@framepipe/testing", "vitest"];
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
  const directory = dirname(scaffold.pluginFile);
  const context = projectContext(directory, importedPackages(kind));
  const testFile = basename(scaffold.testFile);
  const lines = ["Next:"];
  if (context.missing.length > 0) {
    const missing = context.missing.join(", ");
    if (context.framepipeRepository !== undefined) {
      // Installing them there would not help: npm would break the repository's pnpm install, and
      // the framepipe packages are its own workspace packages.
      lines.push(
        `  ${missing} ${context.missing.length === 1 ? "is" : "are"} not installed for ${shown(directory)}: the framepipe`,
        "  repository installs its packages only in its workspace packages, so the plugin does not load and its test",
        "  cannot run here. Move both files into your own project, which installs the framepipe packages",
        '  (README.md, "Use framepipe in your own project"), or scaffold them there with --dir.',
      );
      return lines.join("\n");
    }
    const versions = scaffoldVersions();
    const specs = context.missing.map((name) => `${name}@${versions[name] ?? "latest"}`);
    lines.push(
      `  ${addDevCommand(context.packageManager, specs)}   (${missing}: not installed for ${shown(directory)})`,
    );
  }
  const cd = resolve(directory) === resolve(process.cwd()) ? "" : `cd ${shown(directory)} && `;
  const vitest = `${cd}${execCommand(context.packageManager, `vitest run ${testFile}`)}`;
  const config = context.vitestConfig;
  if (config?.hasProjects) {
    lines.push(
      `  ${vitest}   (add ${testFile} to a project in ${shown(config.path)} first: vitest runs only the files its projects include)`,
    );
  } else {
    lines.push(`  ${vitest}   (the ${kind} contract suite and the plugin's own cases)`);
  }
  // As a pipeline file in the working folder lists it; one beside the plugin lists "./<type>.ts".
  const fromHere = relative(process.cwd(), scaffold.pluginFile).split(sep).join("/");
  const listed = fromHere.startsWith("../") || isAbsolute(fromHere) ? `./${type}.ts` : `./${fromHere}`;
  lines.push(
    `  in a pipeline: plugins: ["${listed}"]   (a path relative to the pipeline file)`,
    `  ${component}`,
    `  ${framepipeCommand()} validate <your pipeline file>`,
  );
  return lines.join("\n");
}
