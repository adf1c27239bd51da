import { randomUUID } from "node:crypto";
import natsSink from "@framepipe/sink-nats";
import { createTestContext, createTestStream, sourceContract } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import natsSource from "../src/index.js";
import { natsServer } from "./support/nats-server.js";

// The source contract against the real nats-server: each instance gets a stream and durable
// consumer of its own; `drive` publishes frames through the nats sink.
let current = { stream: "", subjectPrefix: "" };

sourceContract({
  it,
  describe,
  expect,
  name: "source contract (nats, real nats-server)",
  definition: natsSource,
  create: async () => {
    const id = randomUUID().slice(0, 8);
    current = { stream: `SC_${id}`, subjectPrefix: `sc${id}.frames` };
    const sink = await natsSink.create(
      natsSink.options.parse({ servers: natsServer().url, ...current }),
      createTestContext({ kind: "sink", type: "nats" }),
    );
    await sink.close?.();
    const options = natsSource.options.parse({ servers: natsServer().url, ...current, durable: `w_${id}` });
    return natsSource.create(options, createTestContext({ kind: "source", type: "nats", componentId: "contract" }));
  },
  drive: async () => {
    const sink = await natsSink.create(
      natsSink.options.parse({ servers: natsServer().url, ...current }),
      createTestContext({ kind: "sink", type: "nats" }),
    );
    for (const frame of createTestStream({ participants: 2, frames: 3 })) await sink.write(frame);
    await sink.close?.();
  },
  minimumEvents: 6,
});
