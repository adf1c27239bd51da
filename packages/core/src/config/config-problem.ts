import { isAbsolute, relative } from "node:path";
import { FramepipeError } from "../errors/framepipe-error.js";
import type { PipelineConfig } from "./pipeline-config.js";

/** Error codes a config problem can carry (a subset of `FramepipeErrorCode`). */
export type ConfigProblemCode =
  | "CONFIG_INVALID"
  | "CONFIG_NOT_FOUND"
  | "PLUGIN_NOT_FOUND"
  | "PLUGIN_LOAD_FAILED"
  | "PLUGIN_INVALID";

/** One thing wrong (or suspicious) in a pipeline config. */
export interface ConfigProblem {
  /** Absolute path of the config file; null for a config object passed in code. */
  readonly file: string | null;
  /** 1-based line of the offending node (YAML/JSON files only). */
  readonly line?: number;
  /** 1-based column of the offending node (YAML/JSON files only). */
  readonly column?: number;
  /** Dotted path of the offending value, e.g. `transforms.thumbs.width` or `plugins[0]`; empty for the whole file. */
  readonly path: string;
  /** What is wrong, never echoing a secret value. */
  readonly message: string;
  /** Errors make the config invalid; warnings are printed but do not. */
  readonly severity: "error" | "warning";
  /** Machine-readable cause: `PLUGIN_NOT_FOUND`, `PLUGIN_LOAD_FAILED`, … or `CONFIG_INVALID`. */
  readonly code: ConfigProblemCode;
}

/** Options for {@link formatConfigProblem}. */
export interface FormatConfigProblemOptions {
  /**
   * Show the file relative to this directory (default: the current working directory). Files
   * outside it are shown as absolute paths.
   */
  readonly relativeTo?: string;
}

/**
 * Formats a problem as `pipeline.yaml:14:12 transforms.thumbs.width: expected a positive integer, got "wide"`.
 * Without a position (configs from `.ts` files or code) it reads `pipeline.ts transforms.thumbs.width: …`.
 */
export function formatConfigProblem(problem: ConfigProblem, options: FormatConfigProblemOptions = {}): string {
  const parts: string[] = [];
  if (problem.file !== null) {
    const position = problem.line === undefined ? "" : `:${problem.line}:${problem.column ?? 1}`;
    parts.push(`${displayFile(problem.file, options.relativeTo ?? process.cwd())}${position}`);
  }
  const warning = problem.severity === "warning" ? "warning: " : "";
  const location = problem.path === "" ? "" : `${problem.path}: `;
  if (parts.length > 0 && location === "") parts[0] = `${parts[0]}:`;
  parts.push(`${location}${warning}${problem.message}`);
  return parts.join(" ");
}

/** Formats every problem, one per line, in the order given (loaders already sort them by position). */
export function formatConfigProblems(
  problems: readonly ConfigProblem[],
  options: FormatConfigProblemOptions = {},
): string {
  return problems.map((problem) => formatConfigProblem(problem, options)).join("\n");
}

/**
 * Turns the problems of a failed load into one {@link FramepipeError} (for hosts that throw, such
 * as `createPipeline(objectConfig)`). Its code is the errors' common code, or `CONFIG_INVALID`.
 */
export function createConfigError(
  problems: readonly ConfigProblem[],
  options: FormatConfigProblemOptions = {},
): FramepipeError {
  const errors = problems.filter((problem) => problem.severity === "error");
  const codes = new Set(errors.map((problem) => problem.code));
  const [onlyCode] = codes;
  const code = codes.size === 1 && onlyCode !== undefined ? onlyCode : "CONFIG_INVALID";
  const count = `${errors.length} problem${errors.length === 1 ? "" : "s"}`;
  return new FramepipeError({
    code,
    stage: "config",
    message: `invalid pipeline config (${count}):\n${formatConfigProblems(problems, options)}`,
  });
}

/** Sorts by line then column; problems without a position keep their order, after positioned ones. */
export function sortConfigProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort(
      (left, right) =>
        (left.problem.line ?? Number.MAX_SAFE_INTEGER) - (right.problem.line ?? Number.MAX_SAFE_INTEGER) ||
        (left.problem.column ?? 0) - (right.problem.column ?? 0) ||
        left.index - right.index,
    )
    .map((entry) => entry.problem);
}

function displayFile(file: string, base: string): string {
  if (!isAbsolute(file)) return file;
  const shown = relative(base, file);
  if (shown === "" || shown.startsWith("..") || isAbsolute(shown)) return file;
  return shown;
}

/** The outcome of loading or validating a pipeline config. */
export type ConfigLoadResult =
  | { readonly ok: true; readonly config: PipelineConfig; readonly warnings: readonly ConfigProblem[] }
  /** `problems` holds every error and warning, sorted by position. */
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };
