import { describe, expect, it } from "vitest";
import { StreamManifests, type StreamManifestsOptions } from "../../../src/plugin/kit/stream-manifests.js";
import { makeFrame } from "../../transforms/support/make-frame.js";

/** Manifests saved into a map by stream location (`<recording>/<participant>-<type>`). */
function memoryManifests(options: Partial<StreamManifestsOptions<string>> = {}) {
  const saved = new Map<string, string>();
  const dropped: number[] = [];
  const manifests = new StreamManifests<string>({
    locate: (frame) => `${frame.recording.id}/${frame.participant.id}-${frame.type}`,
    save: async (location, lines) => {
      saved.set(location, (saved.get(location) ?? "") + lines);
    },
    storedAs: "file",
    saveAfterLines: 3,
    maxPendingLines: 4,
    onDropped: (lines) => dropped.push(lines),
    ...options,
  });
  const linesOf = (location: string) =>
    (saved.get(location) ?? "")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { manifests, saved, dropped, linesOf };
}

describe("StreamManifests", () => {
  it("writes one line per frame, where it was stored first, then the frame's fields", async () => {
    const { manifests, linesOf } = memoryManifests();
    expect(manifests.add(makeFrame({ seq: 0 }), "rec-1/100-webcam/0.png")).toBeNull();
    await manifests.endStream("rec-1#100#webcam");
    const [line] = linesOf("rec-1/100-webcam");
    expect(Object.keys(line ?? {})).toEqual([
      "file",
      "seq",
      "relative",
      "absolute",
      "width",
      "height",
      "format",
      "bytes",
      "participantName",
    ]);
    expect(line).toMatchObject({ file: "rec-1/100-webcam/0.png", seq: 0, bytes: 4, participantName: "Alice Martin" });
    expect(manifests.pendingLines).toBe(0);
  });

  it("saves every saveAfterLines lines without waiting for the stream's end", async () => {
    const { manifests, linesOf } = memoryManifests();
    manifests.add(makeFrame({ seq: 0 }), "0.png");
    manifests.add(makeFrame({ seq: 1 }), "1.png");
    const due = manifests.add(makeFrame({ seq: 2 }), "2.png");
    expect(due).not.toBeNull();
    await due;
    expect(linesOf("rec-1/100-webcam").map((line) => line.seq)).toEqual([0, 1, 2]);
  });

  it("ends only the streams of the ended group", async () => {
    const { manifests, saved } = memoryManifests();
    manifests.add(makeFrame({ participantId: 1 }), "a.png");
    manifests.add(makeFrame({ participantId: 2 }), "b.png");
    await manifests.endGroup("rec-1#1");
    expect([...saved.keys()]).toEqual(["rec-1/1-webcam"]);
    expect(manifests.pendingLines).toBe(1);
  });

  it("keeps the lines of a failed save for the next one, dropping the oldest beyond maxPendingLines", async () => {
    let failing = true;
    const { manifests, dropped, linesOf, saved } = memoryManifests({
      save: async (location, lines) => {
        if (failing) throw new Error("disk full");
        saved.set(location, (saved.get(location) ?? "") + lines);
      },
    });
    for (let seq = 0; seq < 5; seq += 1) manifests.add(makeFrame({ seq }), `${seq}.png`)?.catch(() => {});
    await expect(manifests.flush()).rejects.toThrow("disk full");
    expect(dropped).toEqual([1]);
    failing = false;
    await manifests.flush();
    expect(linesOf("rec-1/100-webcam").map((line) => line.seq)).toEqual([1, 2, 3, 4]);
  });
});
