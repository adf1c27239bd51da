import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { isTransientError } from "@framepipe/core/plugin";
import { createTestContext, createTestFrame } from "@framepipe/testing";
import { connect, type StoredMsg } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Header } from "../src/frame-message.js";
import natsSink from "../src/index.js";

// A nats-server of this test's own (scripts/nats/start.sh in a temporary folder), stopped and
// started again on the same port and store while the sink publishes.
const run = promisify(execFile);
const scripts = fileURLToPath(new URL("../../../scripts/nats/", import.meta.url));
let folder: string;
let url: string;

async function script(name: "start.sh" | "stop.sh", keep = false): Promise<string> {
  const env = { ...process.env, FRAMEPIPE_NATS_DIR: folder, ...(keep ? { FRAMEPIPE_NATS_KEEP_DIR: "1" } : {}) };
  const { stdout } = await run("bash", [`${scripts}${name}`], { env, timeout: 60_000 });
  return stdout;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "framepipe-nats-restart-"));
  await script("start.sh");
  url = /FRAMEPIPE_NATS_URL=(\S+)/.exec(await readFile(join(folder, "env"), "utf8"))?.[1] ?? "";
});

afterAll(async () => {
  await script("stop.sh").catch(() => undefined);
  await rm(folder, { recursive: true, force: true });
});

describe("nats sink across a nats-server restart", () => {
  it("fails publishes as transient while the server is down, then stores every frame once", async () => {
    const options = natsSink.options.parse({ servers: url, stream: "RESTART", ackTimeout: "1s" });
    const sink = await natsSink.create(options, createTestContext({ kind: "sink", type: "nats" }));
    await sink.write(createTestFrame({ seq: 0 }));

    await script("stop.sh", true);
    const frame = createTestFrame({ seq: 1 });
    const failure = await Promise.resolve(sink.write(frame)).catch((error: unknown) => error);
    expect(isTransientError(failure)).toBe(true);

    await script("start.sh");
    // As the runtime does: retry the failed frame until it is acknowledged.
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await sink.write(frame);
        break;
      } catch (error) {
        if (!isTransientError(error) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    await sink.write(createTestFrame({ seq: 2 }));
    await sink.close?.();

    const admin = await connect({ servers: url });
    try {
      const manager = await admin.jetstreamManager();
      const { state } = await manager.streams.info("RESTART");
      const messages: StoredMsg[] = [];
      for (let seq = state.first_seq; seq <= state.last_seq; seq += 1) {
        messages.push(await manager.streams.getMessage("RESTART", { seq }));
      }
      // The frame published while the server was away may have reached it late: stored once anyway.
      expect(messages.map((message) => message.header.get(Header.seq))).toEqual(["0", "1", "2"]);
    } finally {
      await admin.close();
    }
  }, 60_000);
});
