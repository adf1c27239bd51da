import { describe, expect, it } from "vitest";
import { RecentlyUsedMap } from "../../src/participants/recently-used-map.js";

describe("RecentlyUsedMap", () => {
  it("forgets the least recently used entry past its limit, telling onForget", () => {
    const forgotten: string[] = [];
    const map = new RecentlyUsedMap<string, number>(2, (key, value) => forgotten.push(`${key}=${value}`));
    map.set("a", 1);
    map.set("b", 2);
    expect(map.get("a")).toBe(1); // "a" is now more recent than "b"
    map.set("c", 3);
    expect(forgotten).toEqual(["b=2"]);
    expect(map.size).toBe(2);
    expect(map.peek("b")).toBeUndefined();
    expect(map.peek("a")).toBe(1);
    // peek does not refresh: "a" stays the oldest and goes next.
    map.set("d", 4);
    expect(forgotten).toEqual(["b=2", "a=1"]);
  });

  it("deletes the least recently used entry on demand, without telling onForget", () => {
    const forgotten: string[] = [];
    const map = new RecentlyUsedMap<string, number>(10, (key) => forgotten.push(key));
    expect(map.deleteOldest()).toBeUndefined();
    map.set("a", 1);
    map.set("b", 2);
    map.get("a");
    expect(map.deleteOldest()).toBe(2);
    expect(map.peek("b")).toBeUndefined();
    expect(map.size).toBe(1);
    expect(forgotten).toEqual([]);
  });

  it("does not report deletes and clears as forgotten", () => {
    const forgotten: string[] = [];
    const map = new RecentlyUsedMap<string, number>(1, (key) => forgotten.push(key));
    map.set("a", 1);
    expect(map.delete("a")).toBe(true);
    expect(map.delete("a")).toBe(false);
    map.set("b", 2);
    map.clear();
    expect(map.size).toBe(0);
    expect(forgotten).toEqual([]);
  });
});
