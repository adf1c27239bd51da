import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createFakeRecallBot } from "@framepipe/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fsSink, randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";

// The ways the docs start `framepipe run`: the repository's script through pnpm or npm, and the
// installed command through npx (examples/demo depends on @framepipe/cli, so npx finds its bin
// locally; --no forbids any download). SIGTERM goes to the package manager's process only, as a
// process manager or `kill <pid>` sends it; framepipe must drain, print its summary and free its port.

const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const token = randomToken();
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let launched: ChildProcess | undefined;
let framepipePid: number | undefined;

beforeEach(async () => {
  directory = await temporaryDirectory();
});

afterEach(async () => {
  for (const pid of [launched?.pid, framepipePid]) {
    if (pid !== undefined && isRunning(pid)) process.kill(pid, "SIGKILL");
  }
  launched = undefined;
  framepipePid = undefined;
  await directory.remove();
});

/** True while `pid` is a live process (a zombie, exited but not yet reaped by its new parent, is not). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the command name in parentheses: "123 (node) S …".
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Polls every 50 ms for at most `timeoutMs` until `check` resolves true. */
async function waitFor(description: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await delay(50);
  }
}

/** The environment of a user's shell: none of the npm_* / pnpm variables of the package manager running vitest. */
function userEnvironment(): NodeJS.ProcessEnv {
  const environment = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_)/i.test(key)),
  ) as NodeJS.ProcessEnv;
  return { ...environment, NO_COLOR: "1", npm_config_update_notifier: "false", npm_config_fund: "false" };
}

interface Launch {
  readonly name: string;
  readonly command: string;
  readonly args: (config: string) => string[];
  readonly cwd: string;
  /** How the summary names the stop: the signal itself when the package manager passed it on. */
  readonly stoppedBy: RegExp;
  /** The package manager waits for framepipe and exits with its code (it `exec`ed it). */
  readonly waits: boolean;
}

const launches: Launch[] = [
  {
    name: "pnpm framepipe run <config>",
    command: "pnpm",
    args: (config) => ["framepipe", "run", config],
    cwd: repositoryRoot,
    stoppedBy: /framepipe stopped \(SIGTERM\)/,
    waits: true,
  },
  {
    name: "npm run framepipe -- run <config>",
    command: "npm",
    args: (config) => ["run", "framepipe", "--", "run", config],
    cwd: repositoryRoot,
    stoppedBy: /framepipe stopped \(SIGTERM\)/,
    waits: true,
  },
  {
    // npm runs the bin through `sh -c`, which dies of the signal without passing it on: framepipe
    // notices that its parent is gone and drains.
    name: "npx framepipe run <config> (installed bin)",
    command: "npx",
    args: (config) => ["--no", "framepipe", "run", config],
    cwd: join(repositoryRoot, "examples", "demo"),
    stoppedBy: /framepipe stopped \(parent exited\)/,
    waits: false,
  },
];

describe("framepipe run under a package manager: SIGTERM to the package manager drains framepipe", () => {
  it.each(launches)(
    "$name",
    async (launch) => {
      const config = join(directory.path, "pipeline.json");
      const frames = join(directory.path, "frames");
      await writeFile(
        config,
        JSON.stringify({
          ...runDefaults,
          sources: { recall: websocketSource({ token }) },
          sinks: { disk: fsSink(["recall"], frames) },
        }),
      );
      const child = spawn(launch.command, launch.args(config), {
        cwd: launch.cwd,
        env: userEnvironment(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      launched = child;
      let stdout = "";
      let stderr = "";
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
      });
      child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
      });
      let managerExit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
      child.on("exit", (code, signal) => {
        managerExit = { code, signal };
      });
      // Every output is closed once framepipe exited too (it inherited them from the package manager).
      const outputsClosed = new Promise<void>((resolve) => child.on("close", () => resolve()));

      const logs = () =>
        stdout
          .split("\n")
          .filter((line) => line.startsWith("{"))
          .map((line) => JSON.parse(line) as { msg: string; pid: number; url?: string; component?: string });
      await waitFor(
        "framepipe to start",
        () => managerExit === null && logs().some((line) => line.msg === "pipeline started"),
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
      });
      const api = logs().find((line) => line.msg === "serving /metrics, /health and /ready")?.url as string;
      const websocket = logs().find((line) => line.msg === "websocket source listening")?.url as string;
      const pid = logs()[0]?.pid as number;
      framepipePid = pid;
      expect(pid).not.toBe(child.pid);
      await waitFor("/ready", async () => (await fetch(`${api}/ready`).catch(() => null))?.status === 200, 10_000);

      const report = await createFakeRecallBot({
        url: websocket,
        token,
        participants: 2,
        fps: 10,
        duration: 0.5,
        rate: "max",
        images: "tiny",
      }).run();
      expect(report.outcome).toBe("completed");
      const sent = report.totals.framesSent;

      process.kill(child.pid as number, "SIGTERM");
      await waitFor("framepipe to exit", () => !isRunning(pid), 20_000);
      await outputsClosed;
      expect(stderr).toMatch(launch.stoppedBy);
      expect(stderr).toMatch(new RegExp(`received\\s+${sent} frames`));
      expect(stderr).toMatch(new RegExp(`written\\s+${sent} to disk`));
      expect(
        await fetch(`${api}/ready`).then(
          () => "still listening",
          () => "port freed",
        ),
      ).toBe("port freed");
      if (launch.waits) expect(managerExit).toEqual({ code: 0, signal: null });
    },
    60_000,
  );
});
