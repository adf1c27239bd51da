import { defineSource, type RecallEvent, type SourceInstance } from "@framepipe/core";
import { NEVER, Subject } from "rxjs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ContractCheckResult } from "../../src/contract/contract-kit.js";
import { runSourceChecks, sourceContract } from "../../src/contract/source-contract.js";
import { createTestStream } from "../../src/frame-factory.js";
import { createMemorySource } from "../../src/memory-source.js";

const replay = createMemorySource(createTestStream({ participants: 2, frames: 2 }));
sourceContract({ it, describe, expect, definition: replay.definition, name: "source contract (memory replay)" });

const live = createMemorySource([], { complete: "on-stop" });
sourceContract({
  it,
  describe,
  expect,
  definition: live.definition,
  name: "source contract (memory, live)",
  drive: () => live.push(...createTestStream({ participants: 1, frames: 3 })),
  minimumEvents: 3,
});

function failedChecks(results: readonly ContractCheckResult[]): string[] {
  return results.filter((result) => !result.passed).map((result) => result.name);
}

/** A subject-based source whose behaviour each test bends. */
function subjectSource(overrides: Partial<SourceInstance> = {}): () => SourceInstance {
  return () => {
    const events = new Subject<RecallEvent>();
    return { events$: events.asObservable(), stop: () => events.complete(), ...overrides };
  };
}

describe("the source contract itself", () => {
  it("passes the memory source programmatically", async () => {
    const memory = createMemorySource([], { complete: "on-stop" });
    const results = await runSourceChecks(
      { definition: memory.definition, drive: () => memory.push(...createTestStream({ frames: 1 })) },
      expect,
    );
    expect(failedChecks(results)).toEqual([]);
    expect(memory.calls).toContain("pause");
    expect(memory.calls).toContain("resume");
  });

  it("fails a source whose events$ never completes after stop", async () => {
    const results = await runSourceChecks({ create: () => ({ events$: NEVER, stop() {} }), stopTimeoutMs: 20 });
    expect(failedChecks(results)).toEqual([
      "start, subscribe and stop: events$ completes",
      "pause and resume do not throw",
      "stop may be called twice",
    ]);
    expect(String(results.find((result) => !result.passed)?.error)).toMatch(/did not complete within 20 ms/);
  });

  it("fails a source whose events$ is not an Observable", async () => {
    const results = await runSourceChecks({
      create: () => ({ events$: [] as unknown as SourceInstance["events$"] }),
    });
    expect(failedChecks(results)).toContain("events$ is an Observable");
  });

  it("fails a source whose pause throws or whose second stop throws", async () => {
    const pauseThrows = subjectSource({
      pause: () => {
        throw new Error("cannot pause");
      },
    });
    expect(failedChecks(await runSourceChecks({ create: pauseThrows }))).toEqual(["pause and resume do not throw"]);
    const stopOnce = (): SourceInstance => {
      const events = new Subject<RecallEvent>();
      let stopped = false;
      return {
        events$: events.asObservable(),
        stop() {
          if (stopped) throw new Error("not running");
          stopped = true;
          events.complete();
        },
      };
    };
    expect(failedChecks(await runSourceChecks({ create: stopOnce }))).toEqual(["stop may be called twice"]);
  });

  it("fails a driven source that emits nothing, or emits something that is not an event", async () => {
    const silent = await runSourceChecks({ create: subjectSource(), drive: () => {} });
    expect(failedChecks(silent)).toEqual(["emits typed events when driven, then completes on stop"]);
    const events = new Subject<RecallEvent>();
    const garbage = await runSourceChecks({
      create: () => ({ events$: events.asObservable(), stop: () => events.complete() }),
      drive: () => events.next({ hello: "world" } as unknown as RecallEvent),
    });
    expect(failedChecks(garbage)).toContain("emits typed events when driven, then completes on stop");
  });

  it("checks the definition of a source", async () => {
    const definition = defineSource({
      type: "lenient",
      summary: "Accepts anything.",
      options: z.object({}).passthrough(),
      create: subjectSource(),
    });
    expect(failedChecks(await runSourceChecks({ definition }))).toEqual(["options schema rejects unknown keys"]);
  });
});
