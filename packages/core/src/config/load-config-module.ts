import { pathToFileURL } from "node:url";
import { describeError } from "../errors/framepipe-error.js";
import { importWithTsx } from "../plugin/load-plugin-module.js";

/** The default export of a `.ts`/`.mjs`/`.js` config, or why there is none. */
export type ConfigModuleResult =
  | { readonly ok: true; readonly raw: unknown }
  | { readonly ok: false; readonly message: string };

/**
 * Imports a code config (TypeScript through tsx, no build step) and returns its default export,
 * which `definePipeline` made. A default export that is a function is called (sync or async),
 * so a config can be computed.
 */
export async function loadConfigModule(file: string): Promise<ConfigModuleResult> {
  let namespace: Record<string, unknown>;
  try {
    const url = pathToFileURL(file).href;
    namespace = (await importWithTsx(url, url)) as Record<string, unknown>;
  } catch (error) {
    const firstLines = describeError(error).split("\n").slice(0, 3).join(" ").trim();
    return { ok: false, message: `could not load the config module: ${firstLines}` };
  }
  let value = namespace.default;
  if (value === undefined) {
    return {
      ok: false,
      message: "the config module has no default export: write `export default definePipeline({ version: 1, … })`",
    };
  }
  try {
    if (typeof value === "function") value = await (value as () => unknown)();
  } catch (error) {
    return { ok: false, message: `the config function threw: ${describeError(error)}` };
  }
  return { ok: true, raw: value };
}
