import { sumOf } from "../capacity/prometheus-text.js";
import { compiledBenchFile } from "../lib/compiled-workspace.js";
import { type FramepipeRunProcess, startFramepipeRun } from "../lib/framepipe-run-process.js";
import { freePort } from "../lib/free-port.js";
import { createMemoryStream, deleteStreams } from "../lib/jetstream-streams.js";
import type { BenchNatsServer } from "../lib/nats-server.js";
import {
  hopComponents,
  hopStreamNames,
  hopToken,
  ingestConfig,
  oneProcessConfig,
  workerConfig,
} from "./hop-configs.js";

/** The two ways of running websocket → discard that the benchmark compares. */
export type HopCandidateName = "one-process" | "nats-hop";

/** Where JetStream keeps the frames: the file store the `nats` sink creates, or memory. */
export type HopStorage = "file" | "memory";

/** A process whose CPU the benchmark charges to one part of a candidate. */
export type HopRole = "one-process" | "ingest" | "worker" | "nats-server";

/** Cumulative counters of a candidate, summed over its framepipe processes. */
export interface HopCounters {
  /** Frames the websocket source took from the bots. */
  readonly received: number;
  /** Frames JetStream acknowledged to the nats sink (the hop only; equals `received` in one process). */
  readonly published: number;
  /** Frames the discard sink finished: the end of the pipeline. */
  readonly delivered: number;
  readonly dropped: number;
  readonly errors: number;
}

/** A candidate's processes, running for one pass. */
export interface HopCandidate {
  readonly name: HopCandidateName;
  /** Where the bots connect. */
  readonly url: string;
  readonly token: string;
  /** The processes whose CPU is measured, each with the counter its CPU per frame divides by. */
  readonly roles: ReadonlyArray<{ readonly role: HopRole; readonly pid: number; readonly frames: keyof HopCounters }>;
  counters(): Promise<HopCounters>;
  /** Stops its processes and deletes its stream. */
  stop(): Promise<void>;
}

/** The discard sink as compiled by `tsc -b` (the processes run compiled JavaScript). */
const discardPluginFile = compiledBenchFile(new URL("../lib/discard-sink.ts", import.meta.url).href);

const frameCounter = async (process: FramepipeRunProcess, name: string, component: string) =>
  sumOf(await process.metrics(), name, { component });
const failures = async (process: FramepipeRunProcess) => {
  const samples = await process.metrics();
  return {
    dropped: sumOf(samples, "framepipe_frames_dropped_total"),
    errors: sumOf(samples, "framepipe_errors_total"),
  };
};

/** Starts `framepipe run` on websocket → discard, with `nodeArguments` (e.g. `--cpu-prof`). */
export async function startOneProcess(logDir: string, nodeArguments: readonly string[] = []): Promise<HopCandidate> {
  const wsPort = await freePort();
  const apiPort = await freePort();
  const pipeline = await startFramepipeRun({
    name: "one-process",
    config: oneProcessConfig({ wsPort, apiPort, discardPluginFile }),
    apiPort,
    logDir,
    nodeArguments,
  });
  return {
    name: "one-process",
    url: `ws://127.0.0.1:${wsPort}/recall/`,
    token: hopToken,
    roles: [{ role: "one-process", pid: pipeline.pid, frames: "delivered" }],
    async counters() {
      const received = await frameCounter(pipeline, "framepipe_frames_received_total", hopComponents.websocket);
      const delivered = await frameCounter(pipeline, "framepipe_frames_sent_total", hopComponents.discard);
      return { received, published: received, delivered, ...(await failures(pipeline)) };
    },
    async stop() {
      await pipeline.stop(15_000);
    },
  };
}

/**
 * Starts the ingest node (websocket → nats, which creates the pass's stream) and then the worker
 * (nats → discard, one durable consumer) on `server`, with stream, subjects and consumer named
 * after `pass`; both with `nodeArguments` (e.g. `--cpu-prof`). With `storage: "memory"` the
 * stream is created beforehand in memory, and the sink uses it as it finds it.
 */
export async function startNatsHop(
  logDir: string,
  server: BenchNatsServer,
  pass: string,
  options: { readonly storage?: HopStorage; readonly nodeArguments?: readonly string[] } = {},
): Promise<HopCandidate> {
  const names = hopStreamNames(pass);
  const nodeArguments = options.nodeArguments ?? [];
  if (options.storage === "memory") await createMemoryStream(server.url, names.stream, names.subjectPrefix);
  const wsPort = await freePort();
  const ingestApiPort = await freePort();
  const workerApiPort = await freePort();
  const ingest = await startFramepipeRun({
    name: "ingest",
    config: ingestConfig({ wsPort, apiPort: ingestApiPort, natsUrl: server.url, names }),
    apiPort: ingestApiPort,
    logDir,
    nodeArguments,
  });
  let worker: FramepipeRunProcess;
  try {
    worker = await startFramepipeRun({
      name: "worker",
      config: workerConfig({ apiPort: workerApiPort, natsUrl: server.url, names, discardPluginFile }),
      apiPort: workerApiPort,
      logDir,
      nodeArguments,
    });
  } catch (error) {
    await ingest.stop(15_000);
    await deleteStreams(server.url, [names.stream]);
    throw error;
  }
  return {
    name: "nats-hop",
    url: `ws://127.0.0.1:${wsPort}/recall/`,
    token: hopToken,
    roles: [
      { role: "ingest", pid: ingest.pid, frames: "published" },
      { role: "worker", pid: worker.pid, frames: "delivered" },
      // The server stores and delivers every frame the ingest node published.
      { role: "nats-server", pid: server.pid, frames: "published" },
    ],
    async counters() {
      const [ingestFailures, workerFailures] = await Promise.all([failures(ingest), failures(worker)]);
      return {
        received: await frameCounter(ingest, "framepipe_frames_received_total", hopComponents.websocket),
        published: await frameCounter(ingest, "framepipe_frames_sent_total", hopComponents.nats),
        delivered: await frameCounter(worker, "framepipe_frames_sent_total", hopComponents.discard),
        dropped: ingestFailures.dropped + workerFailures.dropped,
        errors: ingestFailures.errors + workerFailures.errors,
      };
    },
    async stop() {
      // The worker first, so that it does not wait on a stream the ingest node's stop leaves idle.
      await worker.stop(15_000);
      await ingest.stop(15_000);
      await deleteStreams(server.url, [names.stream]);
    },
  };
}
