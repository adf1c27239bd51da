import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cliNodeFlags } from "../capacity/framepipe-receiver.js";
import { type MetricSample, parsePrometheusText } from "../capacity/prometheus-text.js";
import { stopChild, waitUntil } from "../capacity/receiver-under-test.js";
import { compiledNodeArguments } from "./compiled-workspace.js";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));
const cliBin = join(repositoryRoot, "packages/cli/bin/framepipe.js");

/** A `framepipe run` child process. */
export interface FramepipeRunProcess {
  /** The name it was started under (its config and log files are named after it). */
  readonly name: string;
  readonly pid: number;
  /** Its `/metrics`, parsed. */
  metrics(): Promise<MetricSample[]>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs: number): Promise<{ readonly exitCode: number | null; readonly killed: boolean }>;
}

/**
 * Starts `framepipe run` on the YAML `config` (written to `<logDir>/<name>.yaml`; its output goes
 * to `<logDir>/<name>.log`) as users run it: compiled JavaScript (`--conditions=framepipe-compiled`)
 * with the Node flags of the installed command's shebang. `apiPort` must be the config's
 * `api.port`; resolves once `/ready` answers 200.
 */
export async function startFramepipeRun(options: {
  readonly name: string;
  readonly config: string;
  readonly apiPort: number;
  readonly logDir: string;
  /** Extra Node arguments, e.g. `--cpu-prof`. */
  readonly nodeArguments?: readonly string[];
}): Promise<FramepipeRunProcess> {
  const configFile = join(options.logDir, `${options.name}.yaml`);
  await writeFile(configFile, options.config);
  const log = openSync(join(options.logDir, `${options.name}.log`), "a");
  const child = spawn(
    process.execPath,
    [...cliNodeFlags(), ...compiledNodeArguments, ...(options.nodeArguments ?? []), cliBin, "run", configFile],
    {
      cwd: repositoryRoot,
      stdio: ["ignore", log, log],
    },
  );
  const api = `http://127.0.0.1:${options.apiPort}`;
  try {
    await waitUntil(
      async () => (await fetch(`${api}/ready`)).status === 200,
      child,
      60_000,
      `framepipe run ${options.name} (waiting for /ready; log in ${options.logDir})`,
    );
  } catch (error) {
    await stopChild(child, 5000);
    throw error;
  }
  return {
    name: options.name,
    pid: child.pid!,
    metrics: async () => parsePrometheusText(await (await fetch(`${api}/metrics`)).text()),
    stop: (graceMs) => stopChild(child, graceMs),
  };
}
