import { describe, expect, it } from "vitest";
import { natsSourceOptions } from "../src/index.js";

describe("nats source options", () => {
  it("default to one consumer for every partition", () => {
    expect(natsSourceOptions.parse({})).toMatchObject({
      servers: "nats://127.0.0.1:4222",
      stream: "FRAMEPIPE_FRAMES",
      subjectPrefix: "framepipe.frames",
      durable: "framepipe-workers",
      partitions: 1,
      maxAckPending: 256,
      ackWait: 30_000,
    });
    expect(natsSourceOptions.parse({}).assigned).toBeUndefined();
  });

  it("refuse assigned partitions that do not exist or repeat", () => {
    const outside = natsSourceOptions.safeParse({ partitions: 4, assigned: [1, 4] });
    expect(outside.success).toBe(false);
    expect(outside.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["assigned.1", "partition 4 does not exist: partitions is 4 (0 … 3)"],
    ]);
    const twice = natsSourceOptions.safeParse({ partitions: 4, assigned: [2, 2] });
    expect(twice.error?.issues.map((issue) => issue.message)).toEqual(["a partition is listed twice"]);
    expect(natsSourceOptions.parse({ partitions: 4, assigned: [0, 3] }).assigned).toEqual([0, 3]);
  });
});
