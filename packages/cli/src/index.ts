/**
 * `@framepipe/cli`: the `framepipe` command. Import `runCli` to drive it from code.
 * @packageDocumentation
 */

export type { CliOutput } from "./cli-output.js";
export { officialPlugins } from "./official-plugins.js";
export { runCli } from "./program.js";
