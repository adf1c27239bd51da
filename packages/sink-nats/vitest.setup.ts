/**
 * vitest globalSetup of the sink-nats project: starts a real nats-server with JetStream on a free
 * 127.0.0.1 port (scripts/nats/start.sh, well under a second; it installs nats-server with apt when
 * missing and run as root) when the run includes `*.integration.test.ts` files, hands its URL to
 * the tests (`inject("nats")`), and stops it afterwards. Each project gets its own server folder,
 * so projects running at once never stop each other's server. It never throws: when the server
 * cannot start, the integration tests fail with the script's message and the others still run.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";

const run = promisify(execFile);
const scripts = fileURLToPath(new URL("../../scripts/nats/", import.meta.url));
const tmp = fileURLToPath(new URL("../../.tmp/", import.meta.url));

/** What the tests receive: the server, or why there is none. */
export type NatsInfo = { url: string; dir: string; port: number } | { error: string };

declare module "vitest" {
  export interface ProvidedContext {
    nats: NatsInfo;
  }
}

function parseEnvFile(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined) values[match[1]] = match[2] ?? "";
  }
  return values;
}

async function runsIntegrationTests(project: TestProject): Promise<boolean> {
  try {
    const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
    const { testFiles } = await project.globTestFiles(filters);
    return testFiles.some((file) => file.endsWith(".integration.test.ts"));
  } catch {
    return true;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!(await runsIntegrationTests(project))) {
    project.provide("nats", { error: "nats-server was not started: this run selected no integration test" });
    return undefined;
  }
  const env = { ...process.env, FRAMEPIPE_NATS_DIR: `${tmp}nats-${project.name}` };
  let output: string;
  try {
    const result = await run("bash", [`${scripts}start.sh`], { env, timeout: 120_000, maxBuffer: 1024 * 1024 });
    output = result.stdout;
  } catch (error) {
    const failure = error as { stderr?: string; stdout?: string; message: string };
    const detail = (failure.stderr || failure.stdout || failure.message).trim();
    project.provide("nats", { error: `scripts/nats/start.sh failed:\n${detail}` });
    return undefined;
  }
  const values = parseEnvFile(output.trim().split("\n").at(-1) ?? "");
  project.provide("nats", {
    url: values.FRAMEPIPE_NATS_URL ?? "",
    dir: values.FRAMEPIPE_NATS_DIR ?? "",
    port: Number(values.FRAMEPIPE_NATS_PORT),
  });
  if (output.includes("already running")) return undefined;
  return async () => {
    await run("bash", [`${scripts}stop.sh`], { env, timeout: 60_000 });
  };
}
