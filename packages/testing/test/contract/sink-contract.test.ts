import { defineSink, type SinkInstance, streamKeyOfFrame, type VideoFrame } from "@framepipe/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createCollectSink } from "../../src/collect-sink.js";
import type { ContractCheckResult } from "../../src/contract/contract-kit.js";
import { runSinkChecks, sinkContract } from "../../src/contract/sink-contract.js";

const collect = createCollectSink();

function findStored(frames: readonly VideoFrame[], frame: VideoFrame): Buffer | null {
  const match = frames.find(
    (stored) => streamKeyOfFrame(stored) === streamKeyOfFrame(frame) && stored.seq === frame.seq,
  );
  return match?.image.data ?? null;
}

sinkContract({
  it,
  describe,
  expect,
  definition: collect.definition,
  readBack: async (frame) => findStored(collect.frames, frame),
  delivered: () => collect.frames,
});

function failedChecks(results: readonly ContractCheckResult[]): string[] {
  return results.filter((result) => !result.passed).map((result) => result.name);
}

/** A sink that stores into a list; `misbehave` decides how it breaks the contract. */
function listSink(misbehave: {
  onWrite?: (frame: VideoFrame, stored: VideoFrame[]) => void;
  onClose?: (stored: VideoFrame[]) => void;
}) {
  const stored: VideoFrame[] = [];
  const create = (): SinkInstance => {
    const pending: VideoFrame[] = [];
    let closed = false;
    return {
      write(frame) {
        if (misbehave.onWrite) misbehave.onWrite(frame, pending);
        else pending.push(frame);
      },
      close() {
        if (closed) return;
        closed = true;
        misbehave.onClose?.(pending);
        stored.push(...pending);
      },
    };
  };
  return {
    create,
    stored,
    delivered: () => stored,
    readBack: async (frame: VideoFrame) => findStored(stored, frame),
  };
}

describe("the sink contract itself", () => {
  it("passes a correct sink programmatically, with and without expect", async () => {
    const good = createCollectSink();
    const subject = {
      definition: good.definition,
      delivered: () => good.frames,
      readBack: async (frame: VideoFrame) => findStored(good.frames, frame),
    };
    const withExpect = await runSinkChecks(subject, expect);
    expect(failedChecks(withExpect)).toEqual([]);
    expect(withExpect.length).toBeGreaterThanOrEqual(14);
    expect(failedChecks(await runSinkChecks(subject))).toEqual([]);
  });

  it("fails a sink that mutates the buffers it is given", async () => {
    const sink = listSink({
      onWrite: (frame, stored) => {
        const data = frame.image.data;
        data[data.length - 5] = (data[data.length - 5] ?? 0) ^ 0xff;
        stored.push(frame);
      },
    });
    expect(failedChecks(await runSinkChecks(sink))).toEqual(["never mutates the frames it is given"]);
  });

  it("fails a sink that reorders the frames of a stream", async () => {
    const sink = listSink({ onClose: (stored) => stored.reverse() });
    expect(failedChecks(await runSinkChecks({ create: sink.create, delivered: sink.delivered }))).toEqual([
      "writes the frames of one stream in order",
      "writes many frames of several participants and both types concurrently",
      "handles a nameless participant without platform in a recording without bot",
    ]);
  });

  it("fails a sink that loses frames or stores the wrong bytes", async () => {
    const losing = listSink({ onWrite: (frame, stored) => (frame.seq === 1 ? undefined : stored.push(frame)) });
    expect(failedChecks(await runSinkChecks(losing))).toEqual([
      "writes the frames of one stream in order",
      "writes many frames of several participants and both types concurrently",
      "handles a nameless participant without platform in a recording without bot",
    ]);
    const swapped = listSink({});
    const wrongBytes = {
      create: swapped.create,
      readBack: async (frame: VideoFrame) => findStored(swapped.stored, { ...frame, seq: frame.seq === 0 ? 1 : 0 }),
    };
    expect(failedChecks(await runSinkChecks(wrongBytes))).toEqual([
      "writes one frame",
      "writes the frames of one stream in order",
      "writes many frames of several participants and both types concurrently",
      "writes a realistic 1280×720 screenshare frame",
      "handles a nameless participant without platform in a recording without bot",
    ]);
  });

  it("fails a sink whose second close throws", async () => {
    const create = (): SinkInstance => {
      let closed = false;
      return {
        write() {},
        close() {
          if (closed) throw new Error("already closed");
          closed = true;
        },
      };
    };
    expect(failedChecks(await runSinkChecks({ create }))).toEqual(["close may be called twice"]);
  });

  it("fails a definition that is not frozen, badly named, undocumented or lenient", async () => {
    const looseSchema = z.object({ path: z.string().optional() });
    const handMade = {
      kind: "sink",
      type: "Bad_Type",
      summary: "",
      options: looseSchema,
      deps: {},
      create: () => ({ write() {} }),
    } as unknown as ReturnType<typeof defineSink>;
    expect(failedChecks(await runSinkChecks({ definition: handMade }))).toEqual([
      "definition is a frozen sink definition",
      "type is lowercase letters, digits and dashes",
      "summary is one non-empty line",
      "options schema rejects unknown keys",
      "every option has a description",
    ]);
  });

  it("fails a definition whose schema rejects the options the suite is given", async () => {
    const definition = defineSink({
      type: "needs-path",
      summary: "Needs a path.",
      options: z.strictObject({ path: z.string().describe("Where to write.") }),
      create: () => ({ write() {} }),
    });
    expect(failedChecks(await runSinkChecks({ definition, validOptions: {} }))).toContain(
      "options schema accepts the valid options",
    );
    expect(failedChecks(await runSinkChecks({ definition, validOptions: { path: "/tmp/x" } }))).toEqual([]);
  });
});
