import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The CLI package's folder: official plugin packages resolve from here. */
export const cliPackageDirectory = fileURLToPath(new URL("..", import.meta.url));

/** The CLI's version, from its package.json. */
export const cliVersion: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;
