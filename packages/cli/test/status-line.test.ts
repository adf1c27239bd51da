import type { PipelineStats } from "@framepipe/core";
import { describe, expect, it } from "vitest";
import { formatStatusLine } from "../src/run/status-line.js";

const stats: PipelineStats = {
  state: "running",
  received: 200,
  events: {},
  written: 180,
  dropped: { "queue-full": 3 },
  errors: 1,
  queueDepth: 16,
  inFlightBytes: 2 * 2 ** 20,
  activeGroups: 4,
  components: {},
  failing: [],
};

describe("formatStatusLine", () => {
  it("shows participants, rates, drops, errors, queue and in-flight bytes", () => {
    const { line, sample } = formatStatusLine(stats, { at: 0, received: 100, written: 100 }, 10_000, 64);
    expect(line).toBe(
      "running  participants 4  in 10.0/s  out 8.0/s  dropped 3  errors 1  queue 16 (25%)  in flight 2.0 MB",
    );
    expect(sample).toEqual({ at: 10_000, received: 200, written: 180 });
  });

  it("ends with the live preview's address when a preview sink serves one", () => {
    const { line } = formatStatusLine(
      stats,
      { at: 0, received: 0, written: 0 },
      1000,
      64,
      "http://127.0.0.1:9464/preview/",
    );
    expect(line).toMatch(/in flight 2\.0 MB {2}preview http:\/\/127\.0\.0\.1:9464\/preview\/$/);
  });

  it("names the sinks failing now, before the preview's address", () => {
    const failing = [
      {
        component: "disk",
        label: "sink:fs#disk",
        reason: "no space left on device (ENOSPC)",
        error: "ENOSPC: no space left on device, write",
        since: "2026-12-05T00:00:00.000Z",
        failedAttempts: 7,
      },
    ];
    const { line } = formatStatusLine(
      { ...stats, failing },
      { at: 0, received: 0, written: 0 },
      1000,
      64,
      "http://127.0.0.1:9464/preview/",
    );
    expect(line).toMatch(
      /in flight 2\.0 MB {2}FAILING disk \(no space left on device \(ENOSPC\)\) {2}preview http:\/\/127\.0\.0\.1:9464\/preview\/$/,
    );
  });
});
