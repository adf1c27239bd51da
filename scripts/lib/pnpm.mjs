// How the root scripts find pnpm and install the workspace on a machine that has only Node and npm.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

/** The pnpm version the workspace is installed with (package.json `packageManager`). */
export const pnpmVersion = "10.34.9";

function hasPinnedPnpm() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8", shell: process.platform === "win32" });
  return probe.status === 0 && probe.stdout.trim() === pnpmVersion;
}

/** The command that runs the pinned pnpm: an installed one of that version, or npx (needs only npm). */
export function pnpmCommand() {
  return hasPinnedPnpm() ? ["pnpm"] : ["npx", "--yes", `pnpm@${pnpmVersion}`];
}

/** Runs `command args` in `cwd` with inherited output; returns its exit status. */
export function run(command, args, cwd, options = {}) {
  const result = spawnSync(command, args, {
    cwd,
    stdio: "inherit",
    shell: process.platform === "win32",
    ...options,
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Whether `root`'s node_modules was installed from the current lockfile. */
export function installIsCurrent(root) {
  const marker = join(root, "node_modules", ".modules.yaml");
  if (!existsSync(marker)) return false;
  return statSync(marker).mtimeMs >= statSync(join(root, "pnpm-lock.yaml")).mtimeMs;
}

/** Installs the workspace with the pinned pnpm unless it is current; returns an exit status. */
export function ensureInstalled(root, pnpm = pnpmCommand()) {
  if (installIsCurrent(root)) return 0;
  return run(pnpm[0], [...pnpm.slice(1), "install", "--frozen-lockfile"], root);
}
