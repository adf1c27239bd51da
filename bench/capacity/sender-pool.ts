import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { addCounts } from "./sender-counts.js";
import type { FleetPlan, SenderCount, SenderRequest, SenderRequestBody, SenderResponse } from "./sender-worker.js";

const workerScript = fileURLToPath(new URL("./sender-worker.ts", import.meta.url));
const benchFolder = fileURLToPath(new URL("..", import.meta.url));

type Pending = { resolve: (response: SenderResponse) => void; reject: (error: Error) => void };

/** One forked sender-worker.ts, with request/reply matched by id. */
class SenderWorker {
  readonly child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor() {
    this.child = fork(workerScript, [], { cwd: benchFolder, execArgv: ["--import", "tsx"], stdio: "inherit" });
    this.child.on("message", (response: SenderResponse) => {
      const pending = this.#pending.get(response.id);
      if (!pending) return;
      this.#pending.delete(response.id);
      if (response.type === "failed") pending.reject(new Error(`sender: ${response.message}`));
      else pending.resolve(response);
    });
    this.child.on("exit", (code) => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`sender exited with ${code}`));
      this.#pending.clear();
    });
  }

  request<Type extends SenderResponse["type"]>(
    request: SenderRequestBody,
    expected: Type,
  ): Promise<Extract<SenderResponse, { type: Type }>> {
    const id = this.#nextId;
    this.#nextId += 1;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (response) =>
          response.type === expected
            ? resolve(response as Extract<SenderResponse, { type: Type }>)
            : reject(new Error(`sender answered ${response.type}, not ${expected}`)),
        reject,
      });
      this.child.send({ ...request, id });
    });
  }
}

/**
 * The sender processes of the benchmark. Bots of a step are spread over the first `processes`
 * workers (a worker builds each message's JSON, about 2–4 ms of CPU per frame, so one worker
 * saturates a core near 150 participants).
 */
export class SenderPool {
  readonly #workers: SenderWorker[] = [];
  #active: SenderWorker[] = [];

  /** Process ids of the workers of the current step (for CPU accounting). */
  get pids(): number[] {
    return this.#active.map((worker) => worker.child.pid!);
  }

  /**
   * Starts `bots` bots of `participants` (and `screenshare`) over `processes` workers, one bot
   * every `1 s + 500 ms / bots` (a ramp, with the bots' ticks spread evenly over Recall's 500 ms);
   * resolves with every bot's connection time once all are connected.
   */
  async start(
    plan: Omit<FleetPlan, "startOffsetsMs"> & { readonly bots: number },
    processes: number,
  ): Promise<number[]> {
    while (this.#workers.length < processes) this.#workers.push(new SenderWorker());
    const used = Math.min(processes, plan.bots);
    this.#active = this.#workers.slice(0, used);
    const spacingMs = 1000 + 500 / plan.bots;
    const { bots, ...fleet } = plan;
    const started = await Promise.all(
      this.#active.map((worker, index) => {
        const startOffsetsMs: number[] = [];
        for (let bot = index; bot < bots; bot += used) startOffsetsMs.push(bot * spacingMs);
        return worker.request({ type: "start", plan: { ...fleet, startOffsetsMs } }, "started");
      }),
    );
    return started.flatMap((response) => response.connectedAt).sort((left, right) => left - right);
  }

  /** What the bots of the current step have sent so far. */
  async count(): Promise<SenderCount> {
    const counted = await Promise.all(this.#active.map((worker) => worker.request({ type: "count" }, "counted")));
    return addCounts(counted.map((response) => response.count));
  }

  /** Stops the bots of the current step (they close their connections). */
  async stop(): Promise<SenderCount> {
    const stopped = await Promise.all(this.#active.map((worker) => worker.request({ type: "stop" }, "stopped")));
    this.#active = [];
    return addCounts(stopped.map((response) => response.count));
  }

  /** Ends every worker process. */
  async exit(): Promise<void> {
    await Promise.all(
      this.#workers.map(async (worker) => {
        if (worker.child.exitCode !== null) return;
        const exited = new Promise<void>((resolve) => worker.child.once("exit", () => resolve()));
        worker.child.send({ id: 0, type: "exit" } satisfies SenderRequest);
        await exited;
      }),
    );
    this.#workers.length = 0;
  }
}
