import type { CliOutput } from "../../src/cli-output.js";

/** Collects what a command prints, for in-process CLI tests. */
export function captureOutput(): CliOutput & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const error: string[] = [];
  return {
    out: (text) => out.push(text),
    error: (text) => error.push(text),
    stdout: () => out.join("\n"),
    stderr: () => error.join("\n"),
  };
}
