import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";

/** The fields of the CLI's package.json the CLI reads. */
export interface CliPackageJson {
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

// Resolved through the package's own name rather than a path relative to this file: the file
// sits one folder deeper when compiled (dist/src/) than as a source (src/).
const manifestPath = createRequire(import.meta.url).resolve("@framepipe/cli/package.json");

/** The CLI package's folder: official plugin packages resolve from here. */
export const cliPackageDirectory = dirname(manifestPath);

/** The CLI's package.json. */
export const cliPackage = JSON.parse(readFileSync(manifestPath, "utf8")) as CliPackageJson;

/** The CLI's version, from its package.json. */
export const cliVersion: string = cliPackage.version;
