import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { FramepipeError } from "../errors/framepipe-error.js";

/** The slice of sharp's API that core uses; sharp itself is an optional dependency the user installs. */
export interface SharpPipeline {
  greyscale(): SharpPipeline;
  resize(width: number, height: number, options: { fit: "fill" }): SharpPipeline;
  raw(): SharpPipeline;
  toBuffer(options: { resolveWithObject: true }): Promise<{ data: Buffer; info: { channels: number } }>;
}

/** sharp's default export: builds a pipeline from encoded image bytes. */
export type SharpFactory = (input: Buffer) => SharpPipeline;

/** Options for {@link loadSharp}. */
export interface LoadSharpOptions {
  /** Component label for the error, e.g. `transform:dedupe#screens`. */
  readonly component: string;
  /** What needs sharp, for the message, e.g. `perceptual dedupe (tolerance > 0)`. */
  readonly feature: string;
  /** How to do without sharp, appended to the message, e.g. `or set tolerance: 0`. */
  readonly alternative?: string;
  /**
   * Folders to resolve sharp from when core's own location cannot: the user's app usually has
   * sharp installed (e.g. for `@framepipe/transform-resize`) while a strict pnpm layout hides it
   * from core. Default: the current working directory.
   */
  readonly searchPaths?: readonly string[];
  /** Imports a module by specifier or file URL; replaceable in tests. */
  readonly importModule?: (specifier: string) => Promise<unknown>;
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

function asFactory(module: unknown): SharpFactory | null {
  const candidate = (module as { default?: unknown } | null)?.default ?? module;
  return typeof candidate === "function" ? (candidate as SharpFactory) : null;
}

async function importSharp(options: LoadSharpOptions): Promise<unknown> {
  // A variable specifier keeps TypeScript from requiring sharp's types in core.
  const importModule = options.importModule ?? ((specifier: string) => import(specifier));
  const specifier = "sharp";
  try {
    return await importModule(specifier);
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    for (const folder of options.searchPaths ?? [process.cwd()]) {
      let resolved: string;
      try {
        resolved = createRequire(join(folder, "package.json")).resolve(specifier);
      } catch {
        continue;
      }
      return await importModule(pathToFileURL(resolved).href);
    }
    throw error;
  }
}

/**
 * Loads sharp lazily, only for the features that decode images. sharp is not a dependency of
 * core; when it is missing this throws a {@link FramepipeError} (`PLUGIN_LOAD_FAILED`, stage
 * `create`) that tells the user to install it.
 */
export async function loadSharp(options: LoadSharpOptions): Promise<SharpFactory> {
  let module: unknown;
  try {
    module = await importSharp(options);
  } catch (error) {
    const alternative = options.alternative === undefined ? "" : `, ${options.alternative}`;
    const message = isModuleNotFound(error)
      ? `${options.feature} needs the "sharp" package, which is not installed: run \`npm install sharp\` in your app${alternative}`
      : `${options.feature} could not load "sharp": ${error instanceof Error ? error.message : String(error)}`;
    throw new FramepipeError({
      code: "PLUGIN_LOAD_FAILED",
      component: options.component,
      stage: "create",
      message,
      cause: error,
    });
  }
  const factory = asFactory(module);
  if (factory === null) {
    throw new FramepipeError({
      code: "PLUGIN_LOAD_FAILED",
      component: options.component,
      stage: "create",
      message: 'the "sharp" module that was found does not export a function; reinstall sharp',
    });
  }
  return factory;
}
