import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The export condition under which every workspace package resolves to its compiled
 * `dist/src/*.js` instead of its TypeScript sources (see the packages' `exports`).
 */
export const compiledCondition = "framepipe-compiled";

/** Node arguments that run the workspace as compiled JavaScript: what an install from npm runs. */
export const compiledNodeArguments: readonly string[] = [`--conditions=${compiledCondition}`];

/**
 * Brings every package's `dist/` up to date with `tsc -b` (a second or two when nothing
 * changed), so that a benchmark running compiled code never measures stale output.
 */
export function buildWorkspace(): void {
  execFileSync(fileURLToPath(new URL("node_modules/.bin/tsc", `file://${repositoryRoot}/`)), ["-b"], {
    cwd: repositoryRoot,
    stdio: "inherit",
  });
}

/** Where `tsc -b` puts the compiled form of a benchmark file (`bench/x.ts` → `bench/dist/x.js`). */
export function compiledBenchFile(sourceUrl: string): string {
  const source = fileURLToPath(sourceUrl);
  const benchFolder = fileURLToPath(new URL("..", import.meta.url));
  const relative = source.slice(benchFolder.length).replace(/\.ts$/, ".js");
  return `${benchFolder}dist/${relative}`;
}
