/**
 * The sender of websocket-throughput.ts, run as a child process (`fork`) so that its CPU is not
 * charged to the receiver being measured. It plays several Recall bots at `--rate max`: one
 * connection each, pre-built messages sent as fast as the receiver takes them. What ws has not
 * yet written to the socket is bounded per connection, so a slower receiver slows the sender
 * through TCP backpressure instead of piling messages up in this process.
 *
 * Protocol over IPC (parent → child → parent): load → loaded, connect → connected,
 * go → sent, close → closed, exit.
 */
import { WebSocket } from "ws";
import { readMessageFile } from "./message-file.js";

/** Commands the parent sends. */
export type SenderCommand =
  | { readonly type: "load"; readonly files: readonly string[] }
  | { readonly type: "connect"; readonly url: string }
  | { readonly type: "go"; readonly perConnection: number }
  | { readonly type: "close" }
  | { readonly type: "exit" };

/** Replies of the sender. */
export type SenderReply =
  | { readonly type: "loaded"; readonly messages: number }
  | { readonly type: "connected"; readonly connections: number }
  | { readonly type: "sent"; readonly messages: number; readonly bytes: number; readonly cpuSeconds: number }
  | { readonly type: "closed" }
  | { readonly type: "failed"; readonly message: string };

/** Bytes handed to ws but not yet written to the socket, per connection, before a send waits. */
const windowBytes = 4 * 2 ** 20;

let messageSets: Buffer[][] = [];
let sockets: WebSocket[] = [];

const reply = (message: SenderReply): void => {
  process.send?.(message);
};

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Sends `count` messages on one socket, cycling through its set, with a bounded window. */
async function sendOn(socket: WebSocket, messages: readonly Buffer[], count: number): Promise<number> {
  let pending = 0;
  let bytes = 0;
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const settled = (size: number) => (error?: Error | null) => {
    pending -= size;
    if (error) failure ??= error;
    if (wake && (pending <= windowBytes / 2 || failure)) {
      const resume = wake;
      wake = null;
      resume();
    }
  };
  for (let index = 0; index < count; index += 1) {
    const message = messages[index % messages.length]!;
    while (pending >= windowBytes && !failure) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
    pending += message.length;
    bytes += message.length;
    socket.send(message, { binary: false }, settled(message.length));
  }
  while (pending > 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
  if (failure) throw failure;
  return bytes;
}

async function handle(command: SenderCommand): Promise<void> {
  switch (command.type) {
    case "load":
      messageSets = await Promise.all(command.files.map(readMessageFile));
      reply({ type: "loaded", messages: messageSets.reduce((sum, set) => sum + set.length, 0) });
      return;
    case "connect":
      sockets = await Promise.all(messageSets.map(() => open(command.url)));
      reply({ type: "connected", connections: sockets.length });
      return;
    case "go": {
      const cpu = process.cpuUsage();
      const sent = await Promise.all(
        sockets.map((socket, index) => sendOn(socket, messageSets[index]!, command.perConnection)),
      );
      const used = process.cpuUsage(cpu);
      reply({
        type: "sent",
        messages: command.perConnection * sockets.length,
        bytes: sent.reduce((sum, bytes) => sum + bytes, 0),
        cpuSeconds: (used.user + used.system) / 1e6,
      });
      return;
    }
    case "close":
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              if (socket.readyState === WebSocket.CLOSED) return resolve();
              socket.once("close", () => resolve());
              socket.close(1000, "bench pass over");
            }),
        ),
      );
      sockets = [];
      reply({ type: "closed" });
      return;
    case "exit":
      process.exit(0);
  }
}

process.on("message", (command: SenderCommand) => {
  handle(command).catch((error: unknown) => {
    reply({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  });
});
