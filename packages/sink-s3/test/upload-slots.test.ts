import { type Deferred, deferred, settle, until } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { UploadSlots } from "../src/upload-slots.js";

describe("UploadSlots", () => {
  it("runs at most `limit` tasks at once, the others in arrival order", async () => {
    const slots = new UploadSlots(2);
    const gates: Deferred[] = [];
    const started: number[] = [];
    const results = Array.from({ length: 5 }, (_, index) =>
      slots.run(async () => {
        started.push(index);
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
        return index;
      }),
    );
    await until(() => started.length === 2);
    await settle();
    expect(started).toEqual([0, 1]);
    expect(slots.active).toBe(2);
    expect(slots.waiting).toBe(3);
    gates[1]?.resolve();
    await until(() => started.length === 3);
    expect(started).toEqual([0, 1, 2]);
    for (let index = 0; index < 5; index += 1) {
      await until(() => gates.length > index);
      gates[index]?.resolve();
    }
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
    expect(slots.active).toBe(0);
  });

  it("frees the slot of a failed task, and idle() waits for running and waiting tasks", async () => {
    const slots = new UploadSlots(1);
    const gate = deferred();
    const failing = slots.run(async () => {
      await gate.promise;
      throw new Error("boom");
    });
    let secondDone = false;
    const second = slots.run(async () => {
      secondDone = true;
    });
    let idle = false;
    const idlePromise = slots.idle().then(() => {
      idle = true;
    });
    await settle();
    expect(idle).toBe(false);
    gate.resolve();
    await expect(failing).rejects.toThrow("boom");
    await second;
    await idlePromise;
    expect(secondDone).toBe(true);
    expect(idle).toBe(true);
  });

  it("refuses a limit below 1", () => {
    expect(() => new UploadSlots(0)).toThrow(RangeError);
  });
});
