import { callStatement } from "./code-layout.js";
import type { PluginNames } from "./plugin-names.js";
import type { PluginSources } from "./plugin-sources.js";

/**
 * A sink that POSTs each frame's image to an HTTP endpoint: it shows a `secret()` option, a metric,
 * the abort signal, and transient errors (network, 429, 5xx) that the runtime retries with
 * backoff. Its test runs the sink contract against a local HTTP server, reading every frame back.
 */
export function sinkTemplate(names: PluginNames, pluginImport: string): PluginSources {
  const { type, snake } = names;
  const plugin = `import { defineSink, durationSchema, markTransient, secret } from "@framepipe/core/plugin";
import { z } from "zod";

/**
 * The \`${type}\` sink. A starting point: it POSTs each frame's image to \`url\`, with the frame's
 * identity in \`x-framepipe-*\` headers. Replace \`write\` with your own destination.
 *
 * The runtime calls \`write\` in order within each participant stream and for many streams at once,
 * retries errors marked transient (with backoff), and applies the component's \`onError\` to the
 * others. Optional hooks: \`endStream(stream)\` and \`endGroup(group)\` to finalise a participant's
 * output, \`flush()\` to make writes durable, \`close()\` to release resources.
 */
export default defineSink({
  type: "${type}",
  summary: "POSTs each frame's image to an HTTP endpoint.",
  options: z.strictObject({
    url: z.url().describe("Endpoint each frame is POSTed to (the image bytes as the body)."),
    token: secret(z.string().min(1)).optional().describe("Sent as Authorization: Bearer <token>. Never printed."),
    // Durations follow framepipe's one rule: a bare number is milliseconds, strings carry a unit.
    timeout: durationSchema()
      .prefault("10s")
      .describe("How long a request may take (e.g. 10s) before it is abandoned; it is then retried."),
  }),
  create(options, context) {
${callStatement("    ", "const sentBytes = context.metrics.counter", [`"${snake}_sink_sent_bytes_total"`, '"Image bytes POSTed."'])}
    // Errors name the host only: the URL may carry credentials.
    const host = new URL(options.url).host;
    return {
      async write(frame) {
        let response: Response;
        try {
          response = await fetch(options.url, {
            method: "POST",
            body: frame.image.data,
            headers: {
              "content-type": \`image/\${frame.image.format}\`,
              "x-framepipe-recording": encodeURIComponent(frame.recording.id),
              "x-framepipe-participant": String(frame.participant.id),
              "x-framepipe-type": frame.type,
              "x-framepipe-seq": String(frame.seq),
              ...(options.token === undefined ? {} : { authorization: \`Bearer \${options.token}\` }),
            },
            // Gives up when the pipeline is forced to stop, or after the timeout.
            signal: AbortSignal.any([context.signal, AbortSignal.timeout(options.timeout)]),
          });
        } catch (error) {
          // A refused or reset connection, or a timeout, may pass on a later attempt.
          throw markTransient(new Error(\`POST to \${host} failed: \${String(error)}\`, { cause: error }));
        }
        await response.arrayBuffer();
        if (!response.ok) {
          const failure = new Error(\`POST to \${host} answered HTTP \${response.status}\`);
          // Throttling and server errors are worth retrying; other answers will not change.
          throw response.status === 429 || response.status >= 500 ? markTransient(failure) : failure;
        }
        sentBytes.inc({}, frame.image.data.length);
      },
    };
  },
});
`;

  const test = `import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describePluginOptions } from "@framepipe/core";
import { isTransientError, type VideoFrame } from "@framepipe/core/plugin";
import { createTestContext, createTestFrame, sinkContract } from "@framepipe/testing";
import { afterAll, describe, expect, it } from "vitest";
import plugin from "${pluginImport}";

// A local endpoint that keeps every body by frame identity, and answers \`status\` when set.
const received = new Map<string, Buffer>();
let status = 200;
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const header = (name: string) => String(request.headers[name]);
    const key = ["recording", "participant", "type", "seq"].map((part) => header(\`x-framepipe-\${part}\`)).join("/");
    if (status === 200) received.set(key, Buffer.concat(chunks));
    response.writeHead(status).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
const url = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}/frames\`;
const keyOf = (frame: VideoFrame) =>
  [encodeURIComponent(frame.recording.id), frame.participant.id, frame.type, frame.seq].join("/");

// The checks every sink must pass, reading each written frame back byte for byte.
sinkContract({
  it,
  describe,
  expect,
  definition: plugin,
  validOptions: { url },
  readBack: async (frame) => received.get(keyOf(frame)) ?? null,
});

describe("${type}", () => {
  async function writeAnswered(answer: number): Promise<unknown> {
    status = answer;
    try {
      const sink = await plugin.create(plugin.options.parse({ url }), createTestContext());
      await sink.write(createTestFrame());
      return undefined;
    } catch (error) {
      return error;
    } finally {
      status = 200;
    }
  }

  it("marks server errors transient, so the runtime retries them", async () => {
    const error = await writeAnswered(503);
    expect(error).toBeInstanceOf(Error);
    expect(isTransientError(error)).toBe(true);
  });

  it("fails for good on a client error", async () => {
    const error = await writeAnswered(400);
    expect(error).toBeInstanceOf(Error);
    expect(isTransientError(error)).toBe(false);
  });

  it("marks the token secret, so framepipe never prints it", () => {
    const token = describePluginOptions(plugin).find((option) => option.name === "token");
    expect(token?.secret).toBe(true);
  });
});
`;
  return { plugin, test };
}
