import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
/** scripts/nats/: start.sh and stop.sh, the same scripts the projects' vitest setups use. */
const scripts = fileURLToPath(new URL("../../../../../scripts/nats/", import.meta.url));

/**
 * A nats-server of one test's own, which the test may stop and start again: the shared server of
 * the project's vitest setup must never go away under the other test files.
 */
export interface RestartableNatsServer {
  /** `nats://127.0.0.1:<port>`: the same across restarts, so clients reconnect to it. */
  readonly url: string;
  /** The folder holding the config, the JetStream store and the server's log. */
  readonly dir: string;
  /** Stops the server (SIGTERM through stop.sh), keeping its store: streams, messages and consumers. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
  /** The server's log so far, for failure messages. */
  log(): Promise<string>;
  /** Stops the server if it runs and deletes its folder. */
  remove(): Promise<void>;
}

async function script(name: "start.sh" | "stop.sh", dir: string, keepDir: boolean): Promise<void> {
  const env = { ...process.env, FRAMEPIPE_NATS_DIR: dir, ...(keepDir ? { FRAMEPIPE_NATS_KEEP_DIR: "1" } : {}) };
  await run("bash", [`${scripts}${name}`], { env, timeout: 60_000 });
}

/**
 * Starts a nats-server with JetStream on a free 127.0.0.1 port with scripts/nats/start.sh, in a
 * new temporary folder. stop.sh with `FRAMEPIPE_NATS_KEEP_DIR=1` and start.sh on the same folder
 * restart it on the same port and store, as the sink-nats and source-nats restart tests do.
 */
export async function startRestartableNatsServer(): Promise<RestartableNatsServer> {
  const dir = await mkdtemp(join(tmpdir(), "framepipe-e2e-nats-"));
  try {
    await script("start.sh", dir, false);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const url = /FRAMEPIPE_NATS_URL=(\S+)/.exec(await readFile(join(dir, "env"), "utf8"))?.[1];
  if (url === undefined) throw new Error(`scripts/nats/start.sh wrote no FRAMEPIPE_NATS_URL in ${dir}/env`);
  return {
    url,
    dir,
    stop: () => script("stop.sh", dir, true),
    start: () => script("start.sh", dir, false),
    log: () => readFile(join(dir, "nats.log"), "utf8").catch(() => ""),
    async remove() {
      // stop.sh without KEEP_DIR stops the server by the PID it recorded, then deletes the folder.
      await script("stop.sh", dir, false).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
