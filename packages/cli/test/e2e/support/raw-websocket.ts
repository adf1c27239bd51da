import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

/** A websocket client connection that sends whatever text it is given, for attacks the fake bot never makes. */
export interface RawWebsocket {
  /** Sends one text message; resolves once it was written to the socket (TCP backpressure waits). */
  send(text: string): Promise<void>;
  /** Sends a close frame (1000) and ends the connection; resolves when the socket closed. */
  close(): Promise<void>;
}

const textOpcode = 0x1;
const closeOpcode = 0x8;
const finalFragment = 0x80;
const masked = 0x80;

/**
 * Opens a websocket to `url` (`ws://127.0.0.1:<port>/path/?token=…`) over a plain TCP socket. The
 * CLI's tests cannot import `ws`, and the fake Recall bot only sends well-formed meetings; this
 * client frames any text it is given. Frames use the all-zero mask key, which RFC 6455 allows and
 * which leaves the payload as it is, so multi-megabyte messages are not copied to be masked.
 * Whatever the server sends after its 101 answer is ignored.
 */
export async function openRawWebsocket(url: string): Promise<RawWebsocket> {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.once("connect", () => resolve());
  });
  socket.write(
    `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\n` +
      "Sec-WebSocket-Version: 13\r\n\r\n",
  );
  await switchedProtocols(socket);
  // From here on the server's frames (pings, its close) are read and dropped.
  socket.on("data", () => {});
  const write = (opcode: number, payload: Buffer) =>
    new Promise<void>((resolve, reject) => {
      socket.write(Buffer.concat([frameHeader(opcode, payload.length), payload]), (error) =>
        error ? reject(error) : resolve(),
      );
    });
  return {
    send: (text) => write(textOpcode, Buffer.from(text, "utf8")),
    async close() {
      const status = Buffer.alloc(2);
      status.writeUInt16BE(1000);
      await write(closeOpcode, status).catch(() => {});
      socket.end();
      await closed;
    },
  };
}

function switchedProtocols(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    let head = "";
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      socket.off("data", onData);
      const status = head.slice(0, head.indexOf("\r\n"));
      if (status.includes(" 101 ")) resolve();
      else reject(new Error(`websocket handshake refused: ${status}`));
    };
    socket.on("data", onData);
    socket.once("error", reject);
  });
}

/** FIN, the opcode, the mask bit with the payload length (7, 16 or 64 bits), then the zero mask key. */
function frameHeader(opcode: number, length: number): Buffer {
  const maskKey = Buffer.alloc(4);
  if (length < 126) return Buffer.concat([Buffer.from([finalFragment | opcode, masked | length]), maskKey]);
  if (length < 65_536) {
    const header = Buffer.from([finalFragment | opcode, masked | 126, 0, 0]);
    header.writeUInt16BE(length, 2);
    return Buffer.concat([header, maskKey]);
  }
  const header = Buffer.alloc(10);
  header[0] = finalFragment | opcode;
  header[1] = masked | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return Buffer.concat([header, maskKey]);
}
