import { connect, createServer, type Server, type Socket } from "node:net";

/** A TCP relay on 127.0.0.1 whose connections a test can cut, like a network interruption. */
export interface TcpProxy {
  /** The port clients connect to. */
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Destroys every relayed connection in both directions (the peers see a reset, no close frame). */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Starts a relay from a free port on 127.0.0.1 to `target` port on 127.0.0.1. */
export async function startTcpProxy(target: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((client) => {
    connections += 1;
    const upstream = connect(target, "127.0.0.1");
    open.add(client);
    open.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", cut).on("close", cut);
    upstream.on("error", cut).on("close", cut);
    // pipe() carries TCP backpressure through the relay in both directions.
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    port,
    get connections() {
      return connections;
    },
    dropConnections() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
