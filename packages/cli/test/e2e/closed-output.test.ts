import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { framepipeBin } from "./support/framepipe-process.js";

/**
 * Runs the CLI with `args` with its stdout's reader already gone (what `| head -1` leaves once it
 * has its line: every further write fails with EPIPE), and waits for it to end.
 */
function runWithClosedReader(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [framepipeBin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      stderr += text;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stderr }));
  });
}

describe("a reader that closes the CLI's output early", () => {
  it.each([["schema"], ["plugins"], ["--help"]])(
    "ends `framepipe %s | head -1` quietly with the command's own exit code",
    async (command) => {
      const run = await runWithClosedReader([command]);
      expect(run.stderr).not.toMatch(/EPIPE|Unhandled 'error' event/);
      expect(run.code).toBe(0);
    },
  );
});
