import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where the benchmark's S3 server is and how to reach it. */
export interface S3Server {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Stops the cluster if this process started it; otherwise does nothing. */
  stop(): void;
}

const repository = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The benchmark's own radosgw, apart from the test suite's (its own folder and ports, so a test
 * run that stops its cluster does not stop this one): started with the project's
 * `scripts/radosgw/start.sh`, stopped with `stop.sh` only when this call started it.
 * `FRAMEPIPE_S3_ENDPOINT` (+ `FRAMEPIPE_S3_ACCESS_KEY_ID`, `FRAMEPIPE_S3_SECRET_ACCESS_KEY`,
 * `FRAMEPIPE_S3_REGION`) points the benchmark at a running server instead.
 */
export function ensureRadosgw(): S3Server {
  const given = process.env.FRAMEPIPE_S3_ENDPOINT;
  if (given) {
    return {
      endpoint: given,
      region: process.env.FRAMEPIPE_S3_REGION ?? "us-east-1",
      accessKeyId: process.env.FRAMEPIPE_S3_ACCESS_KEY_ID ?? "",
      secretAccessKey: process.env.FRAMEPIPE_S3_SECRET_ACCESS_KEY ?? "",
      stop: () => {},
    };
  }
  const environment = {
    ...process.env,
    FRAMEPIPE_RADOSGW_DIR: process.env.FRAMEPIPE_BENCH_RADOSGW_DIR ?? `${repository}.tmp/radosgw-bench`,
    FRAMEPIPE_RADOSGW_PORT: process.env.FRAMEPIPE_BENCH_RADOSGW_PORT ?? "7490",
    FRAMEPIPE_RADOSGW_MON_PORT: process.env.FRAMEPIPE_BENCH_RADOSGW_MON_PORT ?? "6799",
  };
  const output = execFileSync("bash", [`${repository}scripts/radosgw/start.sh`], {
    env: environment,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.stdout.write(output);
  const started = !output.includes("already running");
  const envFile = output.trim().split("\n").at(-1)!;
  const values = Object.fromEntries(
    readFileSync(envFile, "utf8")
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  return {
    endpoint: values.FRAMEPIPE_S3_ENDPOINT!,
    region: values.FRAMEPIPE_S3_REGION!,
    accessKeyId: values.FRAMEPIPE_S3_ACCESS_KEY_ID!,
    secretAccessKey: values.FRAMEPIPE_S3_SECRET_ACCESS_KEY!,
    stop: () => {
      if (!started) return;
      execFileSync("bash", [`${repository}scripts/radosgw/stop.sh`], { env: environment, stdio: "inherit" });
    },
  };
}
