#!/usr/bin/env node
// Entry point for the README's commands on a machine that has only Node 20 and npm.
// It installs the workspace with the pinned pnpm when needed, then runs the requested task.
// Usage: node scripts/bootstrap.mjs <test|demo|bench> [extra arguments…]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureInstalled, pnpmCommand, run } from "./lib/pnpm.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const [task = "test", ...given] = process.argv.slice(2);
// `pnpm test -- --project core` hands the script a literal "--" (npm removes it): passed on to
// vitest it would make `--project core` a file filter, and every project would run.
const extra = given[0] === "--" ? given.slice(1) : given;

// Prefer an installed pnpm of the pinned version; otherwise run it through npx, which needs only npm.
const pnpm = pnpmCommand();

function pnpmRun(args) {
  return run(pnpm[0], [...pnpm.slice(1), ...args], root);
}

const installed = ensureInstalled(root, pnpm);
if (installed !== 0) process.exit(installed);

// The S3 integration tests need Ceph radosgw and the NATS ones nats-server, which npm cannot install; on Debian as root the
// script installs it, elsewhere it explains what is missing (and only those tests fail).
if (task === "test" && process.platform === "linux") {
  run("bash", ["scripts/install-system-packages.sh"], root);
}

// The demo also writes one mp4 per participant stream with the system ffmpeg: on Debian as root it
// is installed with apt when missing; elsewhere the demo says how to install it and runs without videos.
if (task === "demo" && process.platform === "linux") {
  const has = (command) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
  if (!has("ffmpeg") && has("apt-get") && process.getuid?.() === 0) {
    console.error("installing ffmpeg for the demo's videos (apt-get install ffmpeg)…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "ffmpeg"], { stdio: "inherit", env });
  }
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
