import { createRequire } from "node:module";
import { cliPackage, type CliPackageJson as PackageJson } from "../package-info.js";

const require = createRequire(import.meta.url);

function installedVersion(name: string): string {
  return (require(`${name}/package.json`) as PackageJson).version;
}

/** A caret range on a pinned version (`4.6.7` → `^4.6.7`); workspace or other ranges fall back to `fallback`. */
function caret(version: string | undefined, fallback: string): string {
  return version !== undefined && /^\d+\.\d+\.\d+$/.test(version) ? `^${version}` : fallback;
}

/**
 * Version ranges a scaffolded plugin package depends on: the framepipe packages this CLI runs
 * with, and the libraries at the versions the CLI itself is tested with.
 */
export function scaffoldVersions(): Readonly<Record<string, string>> {
  const dependencies = { ...cliPackage.devDependencies, ...cliPackage.dependencies };
  return {
    "@framepipe/core": `^${installedVersion("@framepipe/core")}`,
    "@framepipe/testing": `^${installedVersion("@framepipe/testing")}`,
    rxjs: caret(dependencies.rxjs, "^7.8.2"),
    zod: caret(dependencies.zod, "^4.6.7"),
    vitest: caret(dependencies.vitest, "^4.1.12"),
    "@types/node": caret(dependencies["@types/node"], "^20.19.0"),
    typescript: "^7.0.2",
  };
}
