import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** One JSON log line of `framepipe run` (stdout is JSON when it is not a terminal). */
export interface PipelineLogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** How the pipeline process ended. */
export interface PipelineExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** What `framepipe run` printed on stderr: the summary, or the reason it failed. */
  readonly stderr: string;
}

/** A `framepipe run` child process. */
export interface PipelineProcess {
  /** The websocket URL the source listens on, read from its "websocket source listening" log line. */
  readonly websocketUrl: string;
  /** The /metrics, /health, /ready base URL. */
  readonly apiUrl: string;
  readonly logs: readonly PipelineLogLine[];
  /** Resolves once `count` log lines match, rejects if the process exits first. */
  waitForLogs(predicate: (line: PipelineLogLine) => boolean, count: number, what: string): Promise<void>;
  /** SIGTERM: the pipeline drains what it accepted, then exits with its summary. */
  stop(): Promise<PipelineExit>;
  readonly exited: Promise<PipelineExit>;
}

/** Options of {@link startPipelineProcess}. */
export interface StartPipelineOptions {
  readonly config: string;
  /** Working directory of the process. */
  readonly cwd: string;
  /** Added to the environment (the config's `${VAR}`s). */
  readonly env: Readonly<Record<string, string>>;
  /** The JSON logs are also appended here. */
  readonly logFile: string;
}

/** `bin/framepipe.js` of the installed `@framepipe/cli`. */
export function framepipeExecutable(): string {
  const cliPackage = createRequire(import.meta.url).resolve("@framepipe/cli/package.json");
  return join(dirname(cliPackage), "bin", "framepipe.js");
}

/**
 * Starts `framepipe run <config>` as a child process, the way a user runs it, and resolves once
 * the pipeline logged "pipeline started": every source is listening and the API is serving.
 */
export async function startPipelineProcess(options: StartPipelineOptions): Promise<PipelineProcess> {
  const child: ChildProcess = spawn(process.execPath, [framepipeExecutable(), "run", options.config], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logFile = createWriteStream(options.logFile);
  const logs: PipelineLogLine[] = [];
  const waiters = new Set<() => void>();
  let rest = "";
  let stderr = "";
  let exit: PipelineExit | null = null;
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };

  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    logFile.write(chunk);
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      try {
        logs.push(JSON.parse(line) as PipelineLogLine);
      } catch {
        logs.push({ level: 30, msg: line });
      }
    }
    wake();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<PipelineExit>((resolve) => {
    child.on("close", (code, signal) => {
      exit = { code, signal, stderr };
      logFile.end();
      resolve(exit);
      wake();
    });
  });

  const waitForLogs = (predicate: (line: PipelineLogLine) => boolean, count: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (logs.filter(predicate).length >= count) {
          waiters.delete(check);
          resolve();
        } else if (exit !== null) {
          waiters.delete(check);
          reject(new Error(`framepipe run exited (code ${exit.code}) before ${what}:\n${exit.stderr.trim()}`));
        }
      };
      waiters.add(check);
      check();
    });

  await waitForLogs((line) => line.msg === "pipeline started", 1, "the pipeline started");
  const websocketUrl = logs.find((line) => line.msg === "websocket source listening")?.url;
  const apiUrl = logs.find((line) => line.msg.startsWith("serving /metrics"))?.url;
  if (typeof websocketUrl !== "string" || typeof apiUrl !== "string") {
    child.kill("SIGTERM");
    throw new Error("framepipe run started but did not log its websocket and API addresses");
  }
  return {
    websocketUrl,
    apiUrl,
    logs,
    waitForLogs,
    stop() {
      if (exit === null) child.kill("SIGTERM");
      return exited;
    },
    exited,
  };
}
