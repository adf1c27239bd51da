import { join, resolve } from "node:path";
import type { ComponentKind } from "@framepipe/core";
import { packageFiles } from "./package-template.js";
import { scaffoldVersions } from "./package-versions.js";
import { type PluginNames, pluginNames } from "./plugin-names.js";
import { pluginSources } from "./plugin-sources.js";
import type { NewFile } from "./write-new-files.js";

/** What to scaffold. */
export interface PluginScaffoldRequest {
  readonly kind: ComponentKind;
  /** The plugin type, already validated. */
  readonly name: string;
  /** Folder the file(s) or the package folder go in. */
  readonly directory: string;
  /** A package folder instead of a local plugin file. */
  readonly asPackage: boolean;
  /** npm scope of the package name, e.g. `@acme`. */
  readonly scope?: string;
}

/** The files to write and where the plugin module ends up. */
export interface PluginScaffold {
  readonly names: PluginNames;
  readonly files: readonly NewFile[];
  /** The plugin module (what `plugins:` lists for a local plugin). */
  readonly pluginFile: string;
  readonly testFile: string;
  /** The package folder, with `asPackage`. */
  readonly packageDirectory?: string;
}

/**
 * Plans a plugin: a local `<name>.ts` (what `plugins: ["./<name>.ts"]` loads) beside
 * `<name>.test.ts`, or a package folder `framepipe-<kind>-<name>/` with `src/index.ts`,
 * `test/<name>.test.ts`, `package.json`, `tsconfig.json` and a README. Nothing is written here.
 */
export function planPluginScaffold(request: PluginScaffoldRequest): PluginScaffold {
  const names = pluginNames(request.kind, request.name, request.scope);
  const directory = resolve(request.directory);
  if (!request.asPackage) {
    const sources = pluginSources(names, `./${names.type}.js`);
    const pluginFile = join(directory, `${names.type}.ts`);
    const testFile = join(directory, `${names.type}.test.ts`);
    return {
      names,
      pluginFile,
      testFile,
      files: [
        { path: pluginFile, content: sources.plugin },
        { path: testFile, content: sources.test },
      ],
    };
  }
  const packageDirectory = join(directory, names.packageFolder);
  const sources = pluginSources(names, "../src/index.js");
  const pluginFile = join(packageDirectory, "src", "index.ts");
  const testFile = join(packageDirectory, "test", `${names.type}.test.ts`);
  const extra = Object.entries(packageFiles(names, scaffoldVersions())).map(([path, content]) => ({
    path: join(packageDirectory, path),
    content,
  }));
  return {
    names,
    pluginFile,
    testFile,
    packageDirectory,
    files: [{ path: pluginFile, content: sources.plugin }, { path: testFile, content: sources.test }, ...extra],
  };
}
