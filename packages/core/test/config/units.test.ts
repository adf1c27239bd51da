import { describe, expect, it } from "vitest";
import { formatByteSize, formatDuration, parseByteSize, parseDuration } from "../../src/config/units.js";

describe("parseDuration", () => {
  it.each([
    [250, 250],
    ["500ms", 500],
    ["30s", 30_000],
    ["1.5s", 1500],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["42", 42],
    [" 2 s ", 2000],
  ])("%j → %d ms", (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each(["soon", "5 minutes", "-1s", "1d", "", true, null, -5, Number.NaN])("rejects %j", (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});

describe("parseByteSize", () => {
  it.each([
    [1024, 1024],
    ["512B", 512],
    ["1KB", 1000],
    ["1KiB", 1024],
    ["256MiB", 268_435_456],
    ["256mib", 268_435_456],
    ["2MB", 2_000_000],
    ["1GB", 1_000_000_000],
    ["1GiB", 1_073_741_824],
    ["1.5KiB", 1536],
    ["4096", 4096],
  ])("%j → %d bytes", (input, expected) => {
    expect(parseByteSize(input)).toBe(expected);
  });

  it.each(["lots", "256 megs", "1TB", "-1MiB", "", false, -1])("rejects %j", (input) => {
    expect(parseByteSize(input)).toBeUndefined();
  });
});

describe("formatting", () => {
  it("prints the largest unit that reads exactly", () => {
    expect(formatDuration(120_000)).toBe("2m");
    expect(formatDuration(1500)).toBe("1.5s");
    expect(formatDuration(250)).toBe("250ms");
    expect(formatDuration(7_200_000)).toBe("2h");
    expect(formatByteSize(268_435_456)).toBe("256MiB");
    expect(formatByteSize(1536)).toBe("1536B");
    expect(formatByteSize(2048)).toBe("2KiB");
  });
});
