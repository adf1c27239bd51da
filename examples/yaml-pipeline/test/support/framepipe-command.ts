import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** `bin/framepipe.js` of the installed `@framepipe/cli`: what `pnpm framepipe` and the package scripts run. */
export const framepipeBin = join(
  dirname(createRequire(import.meta.url).resolve("@framepipe/cli/package.json")),
  "bin",
  "framepipe.js",
);

/** Output of a finished command. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The process environment with `changes` applied; an `undefined` value removes the variable. */
function environment(changes: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...changes };
  for (const [name, value] of Object.entries(changes)) if (value === undefined) delete env[name];
  return env;
}

/** Runs `framepipe <args>` to completion. */
export function framepipe(
  args: readonly string[],
  options: { cwd: string; env?: Readonly<Record<string, string | undefined>> },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [framepipeBin, ...args], {
      cwd: options.cwd,
      env: environment(options.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A JSON log line of `framepipe run`. */
export interface LogLine {
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A running `framepipe run`, observed through its JSON logs (stdout is not a terminal). */
export interface RunningPipeline {
  readonly child: ChildProcess;
  readonly logs: readonly LogLine[];
  /** Resolves with the first matching log line; rejects if the process exits first. */
  waitForLog(predicate: (line: LogLine) => boolean, what: string): Promise<LogLine>;
  readonly exited: Promise<{ code: number | null; stderr: string }>;
}

/** Starts `framepipe run <config>` in the background. */
export function startRun(config: string, options: { cwd: string; env: Record<string, string> }): RunningPipeline {
  const child = spawn(process.execPath, [framepipeBin, "run", config], {
    cwd: options.cwd,
    env: environment(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  let rest = "";
  let stderr = "";
  let ended = false;
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") logs.push(JSON.parse(line) as LogLine);
    for (const waiter of [...waiters]) waiter();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on("close", (code) => {
      ended = true;
      resolve({ code, stderr });
      for (const waiter of [...waiters]) waiter();
    });
  });
  return {
    child,
    logs,
    exited,
    waitForLog: (predicate, what) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.find(predicate);
          if (found) {
            waiters.delete(check);
            resolve(found);
          } else if (ended) {
            waiters.delete(check);
            reject(new Error(`framepipe run exited before ${what}:\n${stderr}`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
}
