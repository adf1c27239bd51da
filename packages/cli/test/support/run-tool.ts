import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The result of a tool run to completion. */
export interface ToolRun {
  readonly code: number;
  readonly output: string;
}

const binaries = fileURLToPath(new URL("../../../../node_modules/.bin/", import.meta.url));

/**
 * Runs a tool installed at the repository root (`vitest`, `tsc`, `biome`) in `cwd`, bounded by `timeoutMs`,
 * without the variables the surrounding vitest run sets (a nested vitest would take them as its own).
 */
export function runRootTool(tool: "vitest" | "tsc" | "biome", args: readonly string[], cwd: string, timeoutMs: number) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST") && name !== "NODE_OPTIONS"),
  );
  return new Promise<ToolRun>((resolve) => {
    execFile(
      `${binaries}${tool}`,
      [...args],
      { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}
