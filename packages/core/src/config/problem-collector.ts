import { type ConfigPath, formatConfigPath } from "./config-path.js";
import type { ConfigProblem, ConfigProblemCode } from "./config-problem.js";

/** Where a path's position is taken from: the key (`width:`) or its value. */
export type PositionAnchor = "key" | "value";

/** Finds the line and column of a config path; the nearest existing parent when the path is absent. */
export type ConfigLocator = (path: ConfigPath, anchor: PositionAnchor) => { line: number; column: number } | undefined;

/** Details of one recorded problem. */
export interface ProblemOptions {
  readonly code?: ConfigProblemCode;
  readonly anchor?: PositionAnchor;
  /** An exact position, when known better than from the path (a YAML syntax error, an interpolated scalar). */
  readonly position?: { readonly line: number; readonly column: number };
}

interface ProblemDraft {
  readonly path: ConfigPath;
  readonly message: string;
  readonly severity: "error" | "warning";
  readonly code: ConfigProblemCode;
  readonly anchor: PositionAnchor;
  readonly position: { readonly line: number; readonly column: number } | undefined;
}

/** Accumulates problems while a config is checked, so every one is reported at once. */
export class ProblemCollector {
  readonly #drafts: ProblemDraft[] = [];

  error(path: ConfigPath, message: string, options: ProblemOptions = {}): void {
    this.#add(path, message, "error", options);
  }

  warning(path: ConfigPath, message: string, options: ProblemOptions = {}): void {
    this.#add(path, message, "warning", options);
  }

  get hasErrors(): boolean {
    return this.#drafts.some((draft) => draft.severity === "error");
  }

  /** The problems with file and position attached. */
  toProblems(file: string | null, locate: ConfigLocator | undefined): ConfigProblem[] {
    return this.#drafts.map((draft) => {
      const position = draft.position ?? locate?.(draft.path, draft.anchor);
      return {
        file,
        ...(position === undefined ? {} : { line: position.line, column: position.column }),
        path: formatConfigPath(draft.path),
        message: draft.message,
        severity: draft.severity,
        code: draft.code,
      };
    });
  }

  #add(path: ConfigPath, message: string, severity: "error" | "warning", options: ProblemOptions): void {
    this.#drafts.push({
      path: [...path],
      message,
      severity,
      code: options.code ?? "CONFIG_INVALID",
      anchor: options.anchor ?? "value",
      position: options.position,
    });
  }
}
