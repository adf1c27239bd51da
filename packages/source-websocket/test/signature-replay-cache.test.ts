import { describe, expect, it } from "vitest";
import { SignatureReplayCache } from "../src/signature-replay-cache.js";

const nowMs = 1_700_000_000_000;

describe("SignatureReplayCache", () => {
  it("remembers (id, timestamp) pairs until they expire", () => {
    const cache = new SignatureReplayCache();
    expect(cache.remember("msg_1", "1700000000", nowMs + 1000, nowMs)).toBe(true);
    expect(cache.remember("msg_1", "1700000000", nowMs + 1000, nowMs + 999)).toBe(false);
    // The same id signed at another time is another upgrade (a reconnect that re-signs).
    expect(cache.remember("msg_1", "1700000003", nowMs + 4000, nowMs)).toBe(true);
    expect(cache.remember("msg_1", "1700000000", nowMs + 1000, nowMs + 1000)).toBe(true);
  });

  it("drops expired entries as new ones arrive", () => {
    const cache = new SignatureReplayCache();
    for (let index = 0; index < 100; index += 1) cache.remember(`msg_${index}`, "1", nowMs + 1 + index, nowMs);
    expect(cache.size).toBe(100);
    cache.remember("msg_new", "2", nowMs + 10_000, nowMs + 50);
    // The 50 that expired by then are gone; the other 50 and the new one remain.
    expect(cache.size).toBe(51);
    expect(cache.evictions).toBe(0);
  });

  it("when full, forgets the oldest entry, counts it, and keeps accepting", () => {
    const evicted: number[] = [];
    const cache = new SignatureReplayCache(3, () => evicted.push(1));
    for (const id of ["a", "b", "c", "d"]) expect(cache.remember(id, "1", nowMs + 60_000, nowMs)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.evictions).toBe(1);
    expect(evicted).toHaveLength(1);
    expect(cache.remember("b", "1", nowMs + 60_000, nowMs)).toBe(false);
    expect(cache.remember("a", "1", nowMs + 60_000, nowMs)).toBe(true);
  });
});
