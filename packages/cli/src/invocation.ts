/** The package managers whose commands framepipe prints. */
export type PackageManager = "npm" | "pnpm" | "yarn";

function packageManagerOf(userAgent: string | undefined): PackageManager | undefined {
  if (userAgent === undefined) return undefined;
  if (userAgent.startsWith("pnpm/")) return "pnpm";
  if (userAgent.startsWith("yarn/")) return "yarn";
  if (userAgent.startsWith("npm/")) return "npm";
  return undefined;
}

/**
 * How the user started this `framepipe`, as a command prefix to print in "Next:" lines, so they
 * can be pasted as they are: `npx framepipe` (npx / npm exec), `pnpm exec framepipe`,
 * `npm run framepipe --` / `pnpm framepipe` / `yarn framepipe` (a package script named
 * `framepipe`, as in the framepipe repository), otherwise `framepipe` (a global install, the bin
 * on PATH, or a script we cannot name).
 */
export function framepipeCommand(env: NodeJS.ProcessEnv = process.env): string {
  const manager = packageManagerOf(env.npm_config_user_agent);
  if (env.npm_lifecycle_event === "framepipe") {
    if (manager === "npm") return "npm run framepipe --";
    if (manager === "pnpm") return "pnpm framepipe";
    if (manager === "yarn") return "yarn framepipe";
  }
  if (env.npm_command === "exec") {
    if (manager === "npm") return "npx framepipe";
    if (manager === "pnpm") return "pnpm exec framepipe";
  }
  return "framepipe";
}
