import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createFakeRecallBot, type FakeRecallBotOptions, type FakeRecallBotReport } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fsSink, randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";
import { readWrittenStreams } from "./support/written-streams.js";

// One source authenticates with a query token, the other with Recall's signed upgrade headers.
const token = randomToken();
const secret = `whsec_${randomBytes(24).toString("base64")}`;
const otherSecret = `whsec_${randomBytes(24).toString("base64")}`;
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let run: FramepipeRun;
const accepted: string[] = [];
const refused: string[] = [];

async function sendMeeting(
  source: "bytoken" | "bysecret",
  options: Partial<FakeRecallBotOptions>,
): Promise<FakeRecallBotReport> {
  const bot = createFakeRecallBot({
    url: run.addresses.websocket[source] as string,
    participants: 2,
    fps: 10,
    duration: 0.3,
    rate: "max",
    images: "tiny",
    ...options,
  });
  const report = await bot.run();
  (report.outcome === "completed" ? accepted : refused).push(bot.identities[0]?.recordingId as string);
  return report;
}

function expectRefusedWith401(report: FakeRecallBotReport): void {
  expect(report.outcome).toBe("rejected");
  expect(report.bots[0]?.rejectedHandshakes.map((handshake) => handshake.statusCode)).toEqual([401]);
  expect(report.totals.messagesSent).toBe(0);
}

beforeAll(async () => {
  directory = await temporaryDirectory();
  run = await startFramepipeRun(
    {
      ...runDefaults,
      sources: { bytoken: websocketSource({ token }), bysecret: websocketSource({ secret }) },
      sinks: { disk: fsSink(["bytoken", "bysecret"], join(directory.path, "frames")) },
    },
    { directory: directory.path },
  );
}, 30_000);

afterAll(async () => {
  await killRun(run);
  await directory?.remove();
});

describe("framepipe run: websocket authentication", () => {
  it("refuses a connection without credentials (token source)", async () => {
    expectRefusedWith401(await sendMeeting("bytoken", {}));
  });

  it("refuses a wrong token", async () => {
    expectRefusedWith401(await sendMeeting("bytoken", { token: randomToken() }));
  });

  it("refuses a connection without signature headers (secret source)", async () => {
    expectRefusedWith401(await sendMeeting("bysecret", {}));
  });

  it("refuses headers signed with another secret", async () => {
    expectRefusedWith401(await sendMeeting("bysecret", { secret: otherSecret }));
  });

  it("refuses a correctly signed but expired signature (10 minutes old)", async () => {
    expectRefusedWith401(await sendMeeting("bysecret", { secret, signatureTimestampOffset: -600 }));
  });

  it("accepts the right token, and the right secret with webhook-* or svix-* headers", async () => {
    expect((await sendMeeting("bytoken", { token })).outcome).toBe("completed");
    expect((await sendMeeting("bysecret", { secret })).outcome).toBe("completed");
    expect((await sendMeeting("bysecret", { secret, signatureHeaders: "svix" })).outcome).toBe("completed");
  });

  it("counts each refusal by reason and writes nothing from refused bots", async () => {
    const metrics = await run.metrics();
    const rejected = (component: string, reason: string) =>
      metrics.value("framepipe_websocket_connections_rejected_total", { component, reason });
    expect(rejected("bytoken", "missing-credentials")).toBe(1);
    expect(rejected("bytoken", "bad-token")).toBe(1);
    expect(rejected("bysecret", "missing-credentials")).toBe(1);
    expect(rejected("bysecret", "bad-signature")).toBe(1);
    expect(rejected("bysecret", "expired-signature")).toBe(1);
    expect(metrics.value("framepipe_websocket_connections_accepted_total")).toBe(3);

    run.kill("SIGTERM");
    const exit = await run.exited;
    expect(exit.code).toBe(0);
    // 3 accepted bots × 2 participants × 3 frames.
    expect(exit.stderr).toMatch(/written\s+18 to disk/);
    const streams = await readWrittenStreams(join(directory.path, "frames"));
    expect([...new Set(streams.map((stream) => stream.recording))].sort()).toEqual([...accepted].sort());
    expect(refused).toHaveLength(5);
  });

  it("never logs the token or the secret", () => {
    const logged = JSON.stringify(run.logs);
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(secret.slice("whsec_".length));
  });
});
