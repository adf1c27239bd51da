import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * What the proxy does to a request it picks:
 * - `slow-down`: answers 503 with S3's SlowDown error, without forwarding.
 * - `internal-error`: answers 500 InternalError, without forwarding.
 * - `reset-after`: forwards (so the store applies it), then resets the client connection
 *   instead of answering: the client cannot know the write happened.
 * - `hold`: forwards only once {@link FaultProxy.release} is called.
 */
export type Fault = "slow-down" | "internal-error" | "reset-after" | "hold";

/** Which requests get a fault. */
export interface FaultPlan {
  readonly fault: Fault;
  /** How many matching requests get the fault; later ones pass. Default: all of them. */
  readonly count?: number;
  /** Which requests may get it. Default: every request. */
  readonly match?: (request: IncomingMessage) => boolean;
}

/** A fault-injecting HTTP proxy on 127.0.0.1 in front of an S3 endpoint. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: the endpoint to give the client under test. */
  readonly url: string;
  /** Requests received. */
  readonly requests: number;
  /** Requests that got a fault. */
  readonly faults: number;
  /** Requests held by a `hold` fault right now. */
  readonly held: number;
  /** Lets held requests (and later ones) through. */
  release(): void;
  close(): Promise<void>;
}

const errorBodies: Record<"slow-down" | "internal-error", { status: number; body: string }> = {
  "slow-down": {
    status: 503,
    body: "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
  },
  "internal-error": {
    status: 500,
    body: "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>",
  },
};

/**
 * Starts a proxy that forwards requests unchanged (Host header included, so SigV4 signatures stay
 * valid) to `target`, except those its plan picks. Listens on 127.0.0.1 only.
 */
export async function startFaultProxy(target: string, plan: FaultPlan): Promise<FaultProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const heldRequests: Array<() => void> = [];
  let requests = 0;
  let faults = 0;
  let released = false;

  const forward = (incoming: IncomingMessage, response: ServerResponse, resetAfter: boolean): void => {
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        if (resetAfter) {
          answer.resume();
          answer.on("end", () => incoming.socket.destroy());
          return;
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    outgoing.on("error", () => incoming.socket.destroy());
    incoming.pipe(outgoing);
  };

  const server = createServer((incoming, response) => {
    requests += 1;
    const picked = (plan.count === undefined || faults < plan.count) && (plan.match?.(incoming) ?? true);
    if (!picked) {
      forward(incoming, response, false);
      return;
    }
    faults += 1;
    switch (plan.fault) {
      case "slow-down":
      case "internal-error": {
        const { status, body } = errorBodies[plan.fault];
        incoming.resume();
        incoming.on("end", () => {
          response.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
          response.end(body);
        });
        return;
      }
      case "reset-after":
        forward(incoming, response, true);
        return;
      case "hold":
        if (released) forward(incoming, response, false);
        else heldRequests.push(() => forward(incoming, response, false));
        return;
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get faults() {
      return faults;
    },
    get held() {
      return heldRequests.length;
    },
    release() {
      released = true;
      for (const next of heldRequests.splice(0)) next();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
