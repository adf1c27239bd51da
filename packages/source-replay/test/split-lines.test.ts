import { describe, expect, it } from "vitest";
import { type LineItem, splitLines } from "../src/split-lines.js";

async function* chunksOf(...parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

async function collect(lines: AsyncGenerator<LineItem>): Promise<Array<[number, string]>> {
  const result: Array<[number, string]> = [];
  for await (const item of lines) {
    result.push([item.number, item.kind === "line" ? item.line.toString() : `too-long:${item.bytes}`]);
  }
  return result;
}

describe("splitLines", () => {
  it("joins lines split across chunks and numbers them", async () => {
    expect(await collect(splitLines(chunksOf('{"a"', ":1}\n{", '"b":2}\n'), 100))).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
    ]);
  });

  it("skips blank lines (still counted in numbering), strips CR, and keeps a last line without newline", async () => {
    expect(await collect(splitLines(chunksOf("one\r\n\n\r\ntwo\nthree"), 100))).toEqual([
      [1, "one"],
      [4, "two"],
      [5, "three"],
    ]);
  });

  it("drops a line longer than the limit as too-long and goes on with the next", async () => {
    expect(await collect(splitLines(chunksOf("short\n", "x".repeat(8), "y".repeat(8), "\nok\n"), 10))).toEqual([
      [1, "short"],
      [2, "too-long:16"],
      [3, "ok"],
    ]);
  });

  it("reports a too-long last line without newline", async () => {
    expect(await collect(splitLines(chunksOf("x".repeat(20)), 10))).toEqual([[1, "too-long:20"]]);
  });

  it("pulls no chunk ahead of the line asked for", async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for (const part of ["a\n", "b\n", "c\n"]) {
        pulled += 1;
        yield Buffer.from(part);
      }
    }
    const lines = splitLines(counted(), 10);
    await lines.next();
    expect(pulled).toBe(1);
    await lines.return(undefined);
  });
});
