import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SenderCommand, SenderReply } from "./websocket-sender.js";

const senderScript = fileURLToPath(new URL("./websocket-sender.ts", import.meta.url));
const benchFolder = fileURLToPath(new URL("..", import.meta.url));

/** Drives the websocket sender child process (see websocket-sender.ts), one request at a time. */
export class SenderProcess {
  readonly #child: ChildProcess;
  #waiting: {
    type: SenderReply["type"];
    resolve: (reply: SenderReply) => void;
    reject: (error: Error) => void;
  } | null = null;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on("message", (reply: SenderReply) => {
      const waiting = this.#waiting;
      if (!waiting) return;
      this.#waiting = null;
      if (reply.type === "failed") waiting.reject(new Error(`sender: ${reply.message}`));
      else if (reply.type !== waiting.type)
        waiting.reject(new Error(`sender answered ${reply.type}, not ${waiting.type}`));
      else waiting.resolve(reply);
    });
    child.on("exit", (code) => {
      this.#waiting?.reject(new Error(`sender exited with ${code}`));
      this.#waiting = null;
    });
  }

  /** Starts the child (TypeScript through tsx, like the benchmarks themselves). */
  static start(): SenderProcess {
    return new SenderProcess(fork(senderScript, [], { cwd: benchFolder, execArgv: ["--import", "tsx"] }));
  }

  /** Sends a command and resolves with the reply of the given type. */
  request<Type extends SenderReply["type"]>(
    command: SenderCommand,
    type: Type,
  ): Promise<Extract<SenderReply, { type: Type }>> {
    if (this.#waiting) return Promise.reject(new Error("sender: one request at a time"));
    return new Promise((resolve, reject) => {
      this.#waiting = { type, resolve: resolve as (reply: SenderReply) => void, reject };
      this.#child.send(command);
    });
  }

  /** Lets the child exit and waits for it. */
  async exit(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
    this.#child.send({ type: "exit" } satisfies SenderCommand);
    await exited;
  }
}
