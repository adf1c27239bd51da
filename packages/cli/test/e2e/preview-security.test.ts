import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { startFramepipeRun } from "./support/framepipe-process.js";

// `framepipe run` with a preview sink on an API listener other machines can reach: it must refuse
// to start without a token (the page shows meeting video and names), and start with one.
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
beforeAll(async () => {
  directory = await temporaryDirectory();
});
afterAll(async () => {
  await directory?.remove();
});

const config = (preview: Record<string, unknown>) => ({
  ...runDefaults,
  api: { host: "0.0.0.0", port: 0 },
  sources: { recall: websocketSource({ token: randomToken() }) },
  sinks: { preview: { type: "preview", inputs: ["recall"], ...preview } },
});

describe("framepipe run: a preview on a non-loopback API listener", () => {
  it("refuses to start without a token, saying why", async () => {
    await expect(startFramepipeRun(config({}), { directory: directory.path })).rejects.toThrow(
      /api\.host is 0\.0\.0\.0, which other machines can reach[\s\S]*set the sink's token/,
    );
  });

  it("starts with a token, and answers 401 to a request without it", async () => {
    const token = `preview-${randomToken()}`;
    const run = await startFramepipeRun(config({ token }), { directory: directory.path });
    try {
      const served = await run.waitForLog((line) => line.msg.startsWith("serving /preview"), "the preview URL");
      const denied = await fetch(String(served.url));
      expect(denied.status).toBe(401);
      expect(await denied.text()).not.toContain("tiles");
      const allowed = await fetch(String(served.url), { headers: { authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain("framepipe preview");
    } finally {
      run.kill("SIGTERM");
      await run.exited;
    }
  });
});
