import type { PipelineSummary } from "@framepipe/core";
import { describe, expect, it } from "vitest";
import { framesWereLost } from "../src/commands/run-command.js";
import { formatSummary } from "../src/run/format-summary.js";

const clean: PipelineSummary = {
  reason: "SIGTERM",
  received: 62,
  written: { disk: 62 },
  dropped: {},
  errors: 0,
  unwritten: 0,
  failures: [],
  deadLetterDirectory: null,
  durationMs: 12_300,
  drained: true,
};

const readOnly = {
  component: "disk",
  label: "sink:fs#disk",
  reason: "read-only file system (EROFS)",
  lost: 60,
  deadLettered: 0,
};

describe("formatSummary", () => {
  it("says nothing failed when nothing did", () => {
    expect(formatSummary(clean)).toMatch(/^ {2}failed {5}0$/m);
    expect(framesWereLost(clean)).toBe(false);
  });

  it("says how many frames were lost to errors, where and why", () => {
    const summary: PipelineSummary = {
      ...clean,
      written: { disk: 0 },
      dropped: { error: 62 },
      errors: 62,
      failures: [readOnly, { ...readOnly, reason: "no space left on device (ENOSPC)", lost: 2 }],
    };
    expect(formatSummary(summary)).toContain(
      [
        "  failed     62 frames lost to errors",
        "             60 at sink:fs#disk: read-only file system (EROFS)",
        "             2 at sink:fs#disk: no space left on device (ENOSPC)",
        "  unwritten  0",
      ].join("\n"),
    );
    expect(framesWereLost(summary)).toBe(true);
  });

  it("tells dead-lettered frames apart, with their folder", () => {
    const summary: PipelineSummary = {
      ...clean,
      failures: [
        { ...readOnly, lost: 1, deadLettered: 1 },
        { ...readOnly, component: "s3", label: "sink:s3#s3", reason: "AccessDenied", lost: 0, deadLettered: 3 },
      ],
      deadLetterDirectory: "/srv/dead-letter",
    };
    expect(formatSummary(summary)).toContain(
      "  failed     5 frames: 1 lost to errors, 4 dead-lettered in /srv/dead-letter\n" +
        "             2 at sink:fs#disk: read-only file system (EROFS)\n" +
        "             3 at sink:s3#s3: AccessDenied",
    );
    const onlyDeadLetters = { ...summary, failures: [{ ...readOnly, lost: 0, deadLettered: 1 }] };
    expect(formatSummary(onlyDeadLetters)).toMatch(/^ {2}failed {5}1 frame dead-lettered in \/srv\/dead-letter$/m);
    expect(framesWereLost(onlyDeadLetters)).toBe(true);
  });

  it("counts frames left unwritten by a forced stop as lost too", () => {
    expect(framesWereLost({ ...clean, unwritten: 3, drained: false })).toBe(true);
  });
});
