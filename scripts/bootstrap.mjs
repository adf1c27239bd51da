#!/usr/bin/env node
// Entry point for the README's commands on a machine that has only Node 20 and npm.
// It installs the workspace with the pinned pnpm when needed, then runs the requested task.
// Usage: node scripts/bootstrap.mjs <test|demo|bench> [extra arguments…]
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pnpmVersion = "10.34.9";
const [task = "test", ...extra] = process.argv.slice(2);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function hasPinnedPnpm() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  return probe.status === 0 && probe.stdout.trim() === pnpmVersion;
}

// Prefer an installed pnpm of the pinned version; otherwise run it through npx, which needs only npm.
const pnpm = hasPinnedPnpm() ? ["pnpm"] : ["npx", "--yes", `pnpm@${pnpmVersion}`];

function pnpmRun(args) {
  return run(pnpm[0], [...pnpm.slice(1), ...args]);
}

function installIsCurrent() {
  const marker = `${root}node_modules/.modules.yaml`;
  if (!existsSync(marker)) return false;
  return statSync(marker).mtimeMs >= statSync(`${root}pnpm-lock.yaml`).mtimeMs;
}

if (!installIsCurrent()) {
  const status = pnpmRun(["install", "--frozen-lockfile"]);
  if (status !== 0) process.exit(status);
}

// The S3 integration tests need Ceph radosgw, which npm cannot install; on Debian as root the
// script installs it, elsewhere it explains what is missing (and only those tests fail).
if (task === "test" && process.platform === "linux") {
  run("bash", ["scripts/install-system-packages.sh"]);
}

const tasks = {
  test: ["exec", "vitest", "run", ...extra],
  demo: ["run", "demo:run", ...extra],
  bench: ["run", "bench:run", ...extra],
};
const args = tasks[task];
if (!args) {
  console.error(`unknown task "${task}": expected one of ${Object.keys(tasks).join(", ")}`);
  process.exit(2);
}
process.exit(pnpmRun(args));
