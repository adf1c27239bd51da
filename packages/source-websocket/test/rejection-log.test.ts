import { describe, expect, it } from "vitest";
import { RejectionLog, rejectionLogIntervalMs } from "../src/rejection-log.js";
import { type LogLine, recordingLogger } from "./support/start-source.js";

describe("RejectionLog", () => {
  it("logs once per reason and address, then once per interval with the suppressed count", () => {
    const lines: LogLine[] = [];
    let now = 0;
    const log = new RejectionLog(recordingLogger(lines), () => now);
    log.record("bad-token", 401, "10.0.0.1", "/recall/");
    log.record("bad-token", 401, "10.0.0.1", "/recall/");
    log.record("bad-token", 401, "10.0.0.1", "/recall/");
    log.record("bad-token", 401, "10.0.0.2", "/recall/");
    log.record("missing-credentials", 401, "10.0.0.1", "/recall/");
    expect(lines.map((line) => [line.fields.reason, line.fields.remoteAddress])).toEqual([
      ["bad-token", "10.0.0.1"],
      ["bad-token", "10.0.0.2"],
      ["missing-credentials", "10.0.0.1"],
    ]);
    now += rejectionLogIntervalMs;
    log.record("bad-token", 401, "10.0.0.1", "/recall/");
    expect(lines.at(-1)?.fields).toMatchObject({ reason: "bad-token", suppressed: 2, status: 401 });
  });
});
