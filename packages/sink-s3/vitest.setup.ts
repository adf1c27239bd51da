/**
 * vitest globalSetup of the sink-s3 project: starts a real Ceph radosgw on 127.0.0.1 (with
 * scripts/radosgw/start.sh, ~18 s) when the run includes `*.integration.test.ts` files, hands the
 * connection to the tests (`inject("radosgw")`), and stops it afterwards unless it was already
 * running. It never throws: when radosgw cannot start (not installed), the integration tests
 * fail with the script's message and every other test of the run still runs.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import type { RadosgwInfo } from "./test/support/radosgw-info.js";

const run = promisify(execFile);
const scripts = fileURLToPath(new URL("../../scripts/radosgw/", import.meta.url));

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
    // vitest keeps the command line's file filters here; a run of unit tests only skips radosgw.
    const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
    const { testFiles } = await project.globTestFiles(filters);
    return testFiles.some((file) => file.endsWith(".integration.test.ts"));
  } catch {
    return true;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // The pinned SDK warns once per process that later releases need Node 22; tests need not say so.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  if (!(await runsIntegrationTests(project))) {
    project.provide("radosgw", { error: "radosgw was not started: this run selected no integration test" });
    return undefined;
  }
  let output: string;
  try {
    const result = await run("bash", [`${scripts}start.sh`], { timeout: 180_000, maxBuffer: 1024 * 1024 });
    output = result.stdout;
  } catch (error) {
    const failure = error as { stderr?: string; stdout?: string; message: string };
    const detail = (failure.stderr || failure.stdout || failure.message).trim();
    project.provide("radosgw", { error: `scripts/radosgw/start.sh failed:\n${detail}` });
    return undefined;
  }
  const envFile = output.trim().split("\n").at(-1) ?? "";
  const values = parseEnvFile(envFile);
  const info: RadosgwInfo = {
    endpoint: values.FRAMEPIPE_S3_ENDPOINT ?? "",
    region: values.FRAMEPIPE_S3_REGION ?? "us-east-1",
    accessKeyId: values.FRAMEPIPE_S3_ACCESS_KEY_ID ?? "",
    secretAccessKey: values.FRAMEPIPE_S3_SECRET_ACCESS_KEY ?? "",
  };
  project.provide("radosgw", info);
  if (output.includes("already running")) return undefined;
  return async () => {
    await run("bash", [`${scripts}stop.sh`], { timeout: 60_000 });
  };
}
