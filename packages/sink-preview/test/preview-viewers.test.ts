import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { createTestFrame } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { PreviewState } from "../src/preview-state.js";
import { PreviewViewers } from "../src/preview-viewers.js";

/** A response whose socket is backed up while `full` is true. */
class FakeResponse extends EventEmitter {
  readonly chunks: string[] = [];
  full = false;
  writableEnded = false;
  writeHead(): this {
    return this;
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return !this.full;
  }
  end(): void {
    this.writableEnded = true;
  }
  /** The `tiles` events written, parsed. */
  events(): { tiles: { id: string; frames: number; name: string | null }[]; removed: string[] }[] {
    return this.chunks
      .filter((chunk) => chunk.startsWith("event: tiles"))
      .map((chunk) => JSON.parse(chunk.slice(chunk.indexOf("data: ") + 6)));
  }
}

function setup() {
  const state = new PreviewState({
    fps: 2,
    maxThumbnailsPerSecond: 100,
    idleAfter: 10_000,
    removeAfter: 60_000,
    maxStreams: 100,
  });
  const viewers = new PreviewViewers(state, { batchMs: 60_000, now: () => 0 });
  state.onChange = (id) => viewers.changed(id);
  state.onRemove = (id) => viewers.removed(id);
  return { state, viewers };
}

const frame = (seq: number, name = "Ada", participantId = 1) =>
  createTestFrame({ participant: { id: participantId, name }, seq });

describe("PreviewViewers", () => {
  it("sends a new viewer every tile at once, then only what changed", () => {
    const { state, viewers } = setup();
    state.frame(frame(0), 0, false);
    state.frame(frame(0, "Bob", 2), 0, false);
    const response = new FakeResponse();
    viewers.add(response as unknown as ServerResponse);
    expect(response.events()).toHaveLength(1);
    expect(response.events()[0]?.tiles.map((tile) => tile.name)).toEqual(["Ada", "Bob"]);
    state.frame(frame(1), 1, false);
    viewers.flush();
    expect(response.events()[1]?.tiles.map((tile) => tile.name)).toEqual(["Ada"]);
    viewers.flush();
    expect(response.events()).toHaveLength(2);
  });

  it("gathers many changes of one tile into one event carrying its latest state", () => {
    const { state, viewers } = setup();
    const response = new FakeResponse();
    viewers.add(response as unknown as ServerResponse);
    for (let seq = 0; seq < 10; seq += 1) state.frame(frame(seq), seq, false);
    viewers.flush();
    const last = response.events().at(-1);
    expect(last?.tiles).toHaveLength(1);
    expect(last?.tiles[0]?.frames).toBe(10);
  });

  it("writes nothing to a backed-up viewer until drain, then only the latest state, once", () => {
    const { state, viewers } = setup();
    const slow = new FakeResponse();
    const fast = new FakeResponse();
    viewers.add(slow as unknown as ServerResponse);
    viewers.add(fast as unknown as ServerResponse);
    state.frame(frame(0, "Ada"), 0, false);
    slow.full = true;
    viewers.flush();
    const slowCount = slow.events().length;
    for (let seq = 1; seq <= 20; seq += 1) {
      state.frame(frame(seq, seq === 20 ? "Ada Lovelace" : "Ada"), seq, false);
      viewers.flush();
    }
    expect(slow.events()).toHaveLength(slowCount);
    expect(fast.events().length).toBeGreaterThan(20);
    expect(viewers.backedUp).toBe(1);
    slow.full = false;
    slow.emit("drain");
    expect(slow.events()).toHaveLength(slowCount + 1);
    expect(slow.events().at(-1)?.tiles).toEqual([expect.objectContaining({ frames: 21, name: "Ada Lovelace" })]);
  });

  it("tells viewers about removed tiles and forgets their pending changes", () => {
    const { state, viewers } = setup();
    const response = new FakeResponse();
    viewers.add(response as unknown as ServerResponse);
    const stream = state.frame(frame(0), 0, false)?.stream;
    state.sweep(100_000);
    viewers.flush();
    expect(response.events().at(-1)).toEqual(expect.objectContaining({ tiles: [], removed: [stream?.id] }));
  });

  it("sends heartbeats only to viewers whose socket is not backed up", () => {
    const { viewers } = setup();
    const fast = new FakeResponse();
    const slow = new FakeResponse();
    viewers.add(fast as unknown as ServerResponse);
    slow.full = true;
    viewers.add(slow as unknown as ServerResponse);
    const before = slow.chunks.length;
    viewers.heartbeat();
    expect(fast.chunks.at(-1)).toBe(":\n\n");
    expect(slow.chunks).toHaveLength(before);
  });

  it("forgets a viewer whose connection closed", () => {
    const { viewers } = setup();
    const response = new FakeResponse();
    viewers.add(response as unknown as ServerResponse);
    expect(viewers.count).toBe(1);
    response.emit("close");
    expect(viewers.count).toBe(0);
  });
});
