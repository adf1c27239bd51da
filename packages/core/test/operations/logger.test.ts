import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/operations/logger.js";
import { createPrettyLogStream } from "../../src/operations/pretty-log-stream.js";

function collector(isTTY = false): { lines: string[]; write(line: string): void; isTTY: boolean } {
  const lines: string[] = [];
  return { lines, isTTY, write: (line: string) => void lines.push(line) };
}

function records(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

const timePattern = String.raw`\d{2}:\d{2}:\d{2}\.\d{3}`;

describe("createLogger, JSON mode", () => {
  it("writes one JSON object per line with level, ISO time, bindings and message", () => {
    const destination = collector();
    const logger = createLogger({ level: "info", destination });
    logger.child({ component: "sink:fs#disk" }).info({ file: "a.png", bytes: 12 }, "written");
    logger.debug("below the level");
    expect(destination.lines).toHaveLength(1);
    expect(destination.lines[0]?.endsWith("\n")).toBe(true);
    const [record] = records(destination.lines);
    expect(record).toMatchObject({ level: 30, component: "sink:fs#disk", file: "a.png", bytes: 12, msg: "written" });
    expect(record?.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(record).toHaveProperty("pid", process.pid);
  });

  it("is JSON under pretty: auto when the destination is not a terminal", () => {
    const destination = collector(false);
    createLogger({ level: "info", pretty: "auto", destination }).info("hello");
    expect(records(destination.lines)[0]?.msg).toBe("hello");
  });

  it("serialises errors under err and error with message and stack", () => {
    const destination = collector();
    const logger = createLogger({ level: "info", destination });
    logger.error({ error: new Error("disk full") }, "write failed");
    logger.error({ err: new TypeError("bad type") }, "oops");
    const [first, second] = records(destination.lines);
    expect(first?.error).toMatchObject({ type: "Error", message: "disk full" });
    expect((first?.error as { stack?: string } | undefined)?.stack).toContain("disk full");
    expect(second?.err).toMatchObject({ type: "TypeError", message: "bad type" });
  });

  it("redacts common secret keys at any of the first three levels and in headers", () => {
    const destination = collector();
    const logger = createLogger({ level: "info", destination, redact: ["custom.apiSecret"] });
    logger.info(
      {
        token: "t0p",
        options: { secretAccessKey: "AKS", accessKeyId: "AKI", region: "eu" },
        context: { credentials: { password: "hunter2" } },
        request: { headers: { authorization: "Bearer abc", accept: "*/*" } },
        custom: { apiSecret: "s3" },
      },
      "connecting",
    );
    const line = destination.lines[0] ?? "";
    for (const secret of ["t0p", "AKS", "AKI", "hunter2", "Bearer abc", '"s3"']) expect(line).not.toContain(secret);
    const [record] = records(destination.lines);
    expect(record).toMatchObject({
      token: "[redacted]",
      options: { secretAccessKey: "[redacted]", accessKeyId: "[redacted]", region: "eu" },
      context: { credentials: "[redacted]" },
      request: { headers: { authorization: "[redacted]", accept: "*/*" } },
      custom: { apiSecret: "[redacted]" },
    });
  });

  it("logs nothing when silent", () => {
    const destination = collector();
    createLogger({ level: "silent", destination }).fatal("nobody hears this");
    expect(destination.lines).toEqual([]);
  });
});

describe("createLogger, pretty mode", () => {
  it("writes [time] LEVEL: [component] message {fields}, without pid or hostname", () => {
    const destination = collector();
    const logger = createLogger({ level: "debug", pretty: true, destination });
    logger
      .child({ component: "source:websocket#recall" })
      .warn({ port: 8080, path: "/recall/", note: "two words" }, "slow");
    logger.debug("plain");
    expect(destination.lines[0]).toMatch(
      new RegExp(
        `^\\[${timePattern}\\] WARN: \\[source:websocket#recall\\] slow \\{"port":8080,"path":"/recall/","note":"two words"\\}\\n$`,
      ),
    );
    expect(destination.lines[1]).toMatch(new RegExp(`^\\[${timePattern}\\] DEBUG: plain\\n$`));
  });

  it("is pretty with colours under auto on a terminal, and redacts there too", () => {
    const destination = collector(true);
    const logger = createLogger({ level: "info", destination, colors: true });
    logger.info({ options: { token: "abc123" } }, "started");
    const line = destination.lines[0] ?? "";
    expect(line).toContain("\u001b[32mINFO");
    expect(line).toContain('{"token":"[redacted]"}');
    expect(line).not.toContain("abc123");
  });

  it("prints an error's message and its stack on indented lines below", () => {
    const destination = collector();
    const logger = createLogger({ level: "info", pretty: true, destination, colors: false });
    logger.error({ err: new Error("boom") }, "failed");
    const [first, ...below] = (destination.lines[0] ?? "").split("\n");
    expect(first).toMatch(new RegExp(`^\\[${timePattern}\\] ERROR: failed\\s*$`));
    expect(below).toContain('      "message": "boom",');
    expect(below.find((line) => line.trim() === "Error: boom")).toMatch(/^\s{4,}Error: boom$/);
  });

  it("passes through a line that is not JSON", () => {
    const destination = collector();
    createPrettyLogStream({ destination, colors: false }).write("not json");
    expect(destination.lines).toEqual(["not json\n"]);
  });

  it("formats nested values as JSON and quotes strings that need it", () => {
    const destination = collector();
    const logger = createLogger({ level: "info", pretty: true, destination, colors: false });
    logger.warn({ list: [1, 2], flag: true, empty: "", quote: 'a"b', nothing: null }, "m");
    expect(destination.lines[0]).toMatch(
      new RegExp(
        `^\\[${timePattern}\\] WARN: m \\{"list":\\[1,2\\],"flag":true,"empty":"","quote":"a\\\\"b","nothing":null\\}\\n$`,
      ),
    );
  });
});
