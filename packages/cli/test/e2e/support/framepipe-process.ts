import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { type MetricsSnapshot, parseMetrics } from "./metrics-snapshot.js";

/** The `framepipe` executable of this checkout, run as `node <bin> run <config>`. */
export const framepipeBin = fileURLToPath(new URL("../../../bin/framepipe.js", import.meta.url));

/** One JSON log line of `framepipe run` (pino: `level`, `time`, `msg`, then the fields). */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly component?: string;
  readonly [field: string]: unknown;
}

/** How a `framepipe run` child process ended. */
export interface RunExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The human summary and any error text (stderr). */
  readonly stderr: string;
}

/** Where a started pipeline listens, read from its own logs. */
export interface RunAddresses {
  /** `http://127.0.0.1:<port>` serving /metrics, /health and /ready. */
  readonly api: string;
  /** The `ws://…` URL of each websocket source, by component id. */
  readonly websocket: Readonly<Record<string, string>>;
}

/** A `framepipe run` child process, observed through its JSON logs. */
export interface FramepipeRun {
  readonly child: ChildProcess;
  readonly addresses: RunAddresses;
  /** Every log line so far. */
  readonly logs: readonly LogLine[];
  /** Resolves with the first log line (past or future) matching `predicate`; rejects if the process exits first. */
  waitForLog(predicate: (line: LogLine) => boolean, description: string): Promise<LogLine>;
  /** Resolves once `count` log lines match `predicate`. */
  waitForLogs(predicate: (line: LogLine) => boolean, count: number, description: string): Promise<LogLine[]>;
  /** The current Prometheus metrics from the API port. */
  metrics(): Promise<MetricsSnapshot>;
  /**
   * Polls `/metrics` (every 25 ms, for at most `timeoutMs`, default 20 s) until the value of
   * `name` with `labels` reaches `atLeast`; resolves with the snapshot, rejects with the last value.
   */
  waitForMetric(
    name: string,
    labels: Readonly<Record<string, string>>,
    atLeast: number,
    timeoutMs?: number,
  ): Promise<MetricsSnapshot>;
  /** Sends a signal to the process. */
  kill(signal: NodeJS.Signals): void;
  /** Settles when the process has exited. */
  readonly exited: Promise<RunExit>;
}

/** Options of {@link startFramepipeRun}. */
export interface StartRunOptions {
  /** Folder for the config file; also the process's working directory. */
  readonly directory: string;
  /** Config file name. Default `pipeline.json`. */
  readonly fileName?: string;
}

/** The source's log line naming its listening URL. */
const listeningMessage = "websocket source listening";

/**
 * Writes `config` as JSON into `directory` and starts `framepipe run` on it in a child process.
 * Resolves once the pipeline logged "pipeline started" (every source listening, the API serving),
 * with the addresses the pipeline chose (configs use port 0).
 */
export async function startFramepipeRun(config: object, options: StartRunOptions): Promise<FramepipeRun> {
  const file = join(options.directory, options.fileName ?? "pipeline.json");
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  return startFramepipeRunOnFile(file, { cwd: options.directory });
}

/** Options of {@link startFramepipeRunOnFile}. */
export interface StartRunOnFileOptions {
  /** The process's working directory. */
  readonly cwd: string;
  /** Variables added to the test's environment, for the config's `${VAR}` interpolations. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts `framepipe run <file>` on a config file as it is (an example's YAML, with its `${VAR}`
 * interpolations filled from `env`), like {@link startFramepipeRun}; the config should take its
 * ports from variables set to 0 here, so the addresses come from the logs.
 */
export async function startFramepipeRunOnFile(file: string, options: StartRunOnFileOptions): Promise<FramepipeRun> {
  const child = spawn(process.execPath, [framepipeBin, "run", file], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  const listeners = new Set<() => void>();
  let stdoutRest = "";
  let stderr = "";
  let exit: RunExit | null = null;

  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    const lines = (stdoutRest + chunk).split("\n");
    stdoutRest = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // A line that is not JSON is kept as a message, so a test can still see it.
        logs.push({ level: 0, msg: line });
      }
    }
    notify();
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<RunExit>((resolve) => {
    child.on("close", (code, signal) => {
      exit = { code, signal, stderr };
      resolve(exit);
      notify();
    });
  });

  const waitForLogs = (predicate: (line: LogLine) => boolean, count: number, description: string) =>
    new Promise<LogLine[]>((resolve, reject) => {
      const check = () => {
        const matches = logs.filter(predicate);
        if (matches.length >= count) {
          listeners.delete(check);
          resolve(matches.slice(0, count));
        } else if (exit !== null) {
          listeners.delete(check);
          reject(
            new Error(
              `framepipe exited (code ${exit.code}, signal ${exit.signal}) before ${description}; ` +
                `${matches.length}/${count} seen\nstderr:\n${exit.stderr}\nlast logs:\n` +
                logs
                  .slice(-10)
                  .map((line) => JSON.stringify(line))
                  .join("\n"),
            ),
          );
        }
      };
      listeners.add(check);
      check();
    });
  const waitForLog = async (predicate: (line: LogLine) => boolean, description: string) =>
    (await waitForLogs(predicate, 1, description))[0] as LogLine;

  await waitForLog((line) => line.msg === "pipeline started", "the pipeline started");
  const api = logs.find((line) => typeof line.url === "string" && line.url.startsWith("http://"))?.url as string;
  const websocket: Record<string, string> = {};
  for (const line of logs) {
    if (line.msg !== listeningMessage || typeof line.url !== "string") continue;
    const id = String(line.component ?? "").split("#")[1] ?? "";
    websocket[id] = line.url;
  }

  return {
    child,
    addresses: { api, websocket },
    logs,
    waitForLog,
    waitForLogs,
    async metrics() {
      const response = await fetch(`${api}/metrics`);
      return parseMetrics(await response.text());
    },
    async waitForMetric(name, labels, atLeast, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = await fetch(`${api}/metrics`);
        const snapshot = parseMetrics(await response.text());
        const value = snapshot.value(name, labels);
        if (value >= atLeast) return snapshot;
        if (Date.now() > deadline || exit !== null) {
          throw new Error(`${name} ${JSON.stringify(labels)} stayed at ${value}, expected at least ${atLeast}`);
        }
        await delay(25);
      }
    },
    kill(signal) {
      child.kill(signal);
    },
    exited,
  };
}

/** Matches the source's "connection closed" log line of a connection that a bot ended with `code`. */
export function connectionClosed(code: number): (line: LogLine) => boolean {
  return (line) => line.msg === "websocket connection closed" && line.code === code;
}

/**
 * Stops a run that a test left running (SIGKILL), so a failed test does not leak a process.
 * Does nothing when it already exited.
 */
export async function killRun(run: FramepipeRun | undefined): Promise<void> {
  if (run === undefined || run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.kill("SIGKILL");
  await run.exited;
}
