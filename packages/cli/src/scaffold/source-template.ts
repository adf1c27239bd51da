import { callStatement } from "./code-layout.js";
import type { PluginNames } from "./plugin-names.js";
import type { PluginSources } from "./plugin-sources.js";

/**
 * A source that reads Recall realtime messages from a file, one JSON message per line: it shows
 * `events$` as an Observable, core's lenient Recall parser, `pause`/`resume` for backpressure and a
 * `stop` that completes the stream. Its test runs the source contract plus reading a real file.
 */
export function sourceTemplate(names: PluginNames, pluginImport: string): PluginSources {
  const { type, snake } = names;
  const plugin = `import { createReadStream } from "node:fs";
import { createInterface, type Interface } from "node:readline";
import { parseRecallMessage, type RecallEvent } from "@framepipe/core";
import { defineSource } from "@framepipe/core/plugin";
import { Observable } from "rxjs";
import { z } from "zod";

/**
 * The \`${type}\` source. A starting point: it reads Recall realtime messages from a file, one JSON
 * message per line (what a websocket receiver would have received), and emits them as typed
 * events. Replace the reading with your own input.
 *
 * The runtime calls \`start()\`, subscribes to \`events$\` once, calls \`pause()\`/\`resume()\` when
 * \`runtime.overflow: block\` needs the input slowed down, and \`stop()\` at shutdown, after which
 * \`events$\` must complete. Frames get their \`seq\` and participant groups from the runtime.
 */
export default defineSource({
  type: "${type}",
  summary: "Reads Recall realtime messages from a file, one JSON message per line.",
  options: z.strictObject({
    file: z.string().min(1).describe("The file to read, relative to the working directory."),
  }),
  create(options, context) {
${callStatement("    ", "const badLines = context.metrics.counter", [`"${snake}_bad_lines_total"`, '"Lines that were not Recall messages."'])}
    let reader: Interface | undefined;
    let close = () => {};
    let paused = false;
    let stopped = false;

    const events$ = new Observable<RecallEvent>((subscriber) => {
      if (stopped) return subscriber.complete();
      const input = createReadStream(options.file);
      reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      close = () => {
        reader?.close();
        input.destroy();
      };
      if (paused) reader.pause();
      let warned = false;
      reader.on("line", (line) => {
        if (line.trim() === "") return;
        // Never throws: a bad line comes back as a problem, which is counted and logged once.
        const result = parseRecallMessage(line);
        if (result.ok) return subscriber.next(result.event);
        badLines.inc();
        if (!warned) {
          warned = true;
          context.logger.warn({ kind: result.problem.kind }, \`skipping bad lines: \${result.problem.message}\`);
        }
      });
      reader.on("close", () => subscriber.complete());
      // readline passes on the file's errors (a missing file, a failing disk).
      reader.on("error", (error) => subscriber.error(error));
      return close;
    });

    return {
      events$,
      pause() {
        paused = true;
        reader?.pause();
      },
      resume() {
        paused = false;
        reader?.resume();
      },
      stop() {
        stopped = true;
        close();
      },
    };
  },
});
`;

  const test = `import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestContext, participantEventMessage, sourceContract, videoFrameMessage } from "@framepipe/testing";
import { lastValueFrom, toArray } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import plugin from "${pluginImport}";

const directory = await mkdtemp(join(tmpdir(), "${type}-"));
afterAll(() => rm(directory, { recursive: true, force: true }));
const file = join(directory, "meeting.ndjson");
await writeFile(
  file,
  [
    participantEventMessage("join", { participant: { id: 7, name: "Ada" } }),
    videoFrameMessage({ participant: { id: 7, name: "Ada" }, type: "webcam" }),
    "not a recall message",
    videoFrameMessage({ participant: { id: 7, name: "Ada" }, type: "screenshare" }),
  ].join("\\n"),
);

// The checks every source must pass: a valid definition, start/subscribe/stop completing
// events$, pause and resume, stop twice.
sourceContract({ it, describe, expect, definition: plugin, validOptions: { file } });

describe("${type}", () => {
  it("emits every Recall message of the file as a typed event and skips bad lines", async () => {
    const source = await plugin.create(plugin.options.parse({ file }), createTestContext({ kind: "source" }));
    await source.start?.();
    const events = await lastValueFrom(source.events$.pipe(toArray()));
    expect(events.map((event) => event.kind)).toEqual(["participant", "video-frame", "video-frame"]);
    const frames = events.flatMap((event) => (event.kind === "video-frame" ? [event.frame.type] : []));
    expect(frames).toEqual(["webcam", "screenshare"]);
  });

  it("errors events$ when the file cannot be read", async () => {
    const options = plugin.options.parse({ file: join(directory, "missing.ndjson") });
    const source = await plugin.create(options, createTestContext({ kind: "source" }));
    await expect(lastValueFrom(source.events$)).rejects.toThrow(/ENOENT/);
  });
});
`;
  return { plugin, test };
}
