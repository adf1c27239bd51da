import { describe, expect, it } from "vitest";
import { ConnectionLog, connectionLinesPerMinute } from "../src/connection-log.js";
import { type LogLine, recordingLogger } from "./support/start-source.js";

describe("ConnectionLog", () => {
  it("logs each event at info up to the budget, then at debug with a summary, and refills each minute", () => {
    const lines: LogLine[] = [];
    let now = 0;
    const log = new ConnectionLog({ logger: recordingLogger(lines), openConnections: () => 7, now: () => now });
    for (let index = 0; index < 100; index += 1) {
      log.opened({ connection: `conn-${index}` });
      log.closed({ connection: `conn-${index}` });
    }
    now = 4000;
    log.flush();
    const info = lines.filter((line) => line.level === "info");
    expect(info).toHaveLength(connectionLinesPerMinute + 1);
    expect(lines.filter((line) => line.level === "debug")).toHaveLength(200 - connectionLinesPerMinute);
    expect(info.at(-1)).toMatchObject({
      message: `websocket connections: 90 opened, 90 closed in the last 4 s (past ${connectionLinesPerMinute} lines a minute, each is logged at debug level only)`,
      fields: { opened: 90, closed: 90, open: 7, seconds: 4 },
    });
    // Nothing held back since: no second summary.
    log.flush();
    expect(lines.filter((line) => line.level === "info")).toHaveLength(connectionLinesPerMinute + 1);
    now = 60_000;
    log.opened({ connection: "conn-late" });
    expect(lines.at(-1)).toMatchObject({ level: "info", message: "websocket connection opened" });
  });
});
