import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));
const scripts = join(repositoryRoot, "scripts/nats");

/** A nats-server with JetStream that a benchmark started, and how to stop it. */
export interface BenchNatsServer {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /** The server's process id, for CPU accounting. */
  readonly pid: number;
  /** The folder holding its config, JetStream store and log. */
  readonly dir: string;
  /** Stops it by its PID (scripts/nats/stop.sh) and removes its folder. */
  stop(): Promise<void>;
}

function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined) values[match[1]] = match[2] ?? "";
  }
  return values;
}

/**
 * Starts a nats-server (JetStream, file storage, `max_payload` 8MB, a free 127.0.0.1 port) with
 * scripts/nats/start.sh in `<repo>/.tmp/bench-nats-<name>-<pid>`: a folder of its own, so that it
 * never meets the test suites' servers (`.tmp/nats-<project>`), which CI's cleanup stops by
 * folder, nor another benchmark running at the same time.
 */
export async function startBenchNatsServer(name: string): Promise<BenchNatsServer> {
  const dir = join(repositoryRoot, ".tmp", `bench-nats-${name}-${process.pid}`);
  const env = { ...process.env, FRAMEPIPE_NATS_DIR: dir };
  // The script prints the path of its state file as its last line.
  const { stdout } = await run("bash", [join(scripts, "start.sh")], { env, timeout: 120_000 });
  const stateFile = stdout.trim().split("\n").at(-1) ?? "";
  const values = parseEnvFile(await readFile(stateFile, "utf8"));
  const url = values.FRAMEPIPE_NATS_URL;
  const pid = Number(values.FRAMEPIPE_NATS_PID);
  if (url === undefined || !Number.isInteger(pid)) throw new Error(`start.sh wrote no URL or PID to ${stateFile}`);
  return {
    url,
    pid,
    dir,
    async stop() {
      await run("bash", [join(scripts, "stop.sh")], { env, timeout: 60_000 });
    },
  };
}
