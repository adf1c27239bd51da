import { randomBytes } from "node:crypto";
import type { FrameType } from "@framepipe/core";
import { createFakeRecallBot, createTestPng } from "@framepipe/testing";
import { filter, firstValueFrom } from "rxjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFrameServer, type FrameServer } from "../src/app.js";

const token = randomBytes(16).toString("hex");
const framesPerStream = 10;
let frameServer: FrameServer;
let base: string;

beforeEach(async () => {
  frameServer = await createFrameServer({ token });
  const address = await frameServer.listen(0);
  base = `http://127.0.0.1:${address.port}`;
});

afterEach(async () => {
  await frameServer.close();
});

/**
 * A distinct small PNG per participant, stream type and frame number, remembered as the last one
 * sent. Frame 5 waits for `gate`, so the test can act while the bot is certainly connected.
 */
function recordingImages(gate: Promise<void>) {
  const last = new Map<string, Buffer>();
  return {
    last: (participantId: number, type: FrameType) => last.get(`${participantId}/${type}`),
    image: async ({ participantId, type, counter }: { participantId: number; type: FrameType; counter: number }) => {
      if (counter === 5) await gate;
      const png = createTestPng({ participantId, seq: counter + (type === "screenshare" ? 1000 : 0), width: 48 });
      last.set(`${participantId}/${type}`, png);
      return png;
    },
  };
}

describe("examples/embed-express: framepipe inside an Express app", () => {
  it("receives a Recall bot on the app's own port while the app's routes keep working", async () => {
    let midMeeting: () => void = () => {};
    const images = recordingImages(
      new Promise((resolve) => {
        midMeeting = resolve;
      }),
    );
    const bot = createFakeRecallBot({
      url: `${base.replace("http", "ws")}/recall/`,
      token,
      participants: 2,
      screenshare: 1,
      fps: 10,
      duration: framesPerStream / 10,
      rate: "max",
      images: images.image,
    });
    const firstFrame = firstValueFrom(frameServer.board$.pipe(filter((board) => board.size > 0)));
    const running = bot.run();
    await firstFrame;
    // The bot is connected to the same server (and waiting): the app's own routes still answer.
    const hello = await fetch(`${base}/hello`);
    expect(hello.status).toBe(200);
    expect(await hello.text()).toBe("hello from the host app\n");
    expect(frameServer.pipeline.state).toBe("running");
    midMeeting();

    expect((await running).outcome).toBe("completed");
    // Every frame has reached the app (2 webcams + 1 screenshare) and both participants left.
    await firstValueFrom(
      frameServer.board$.pipe(
        filter(
          (board) =>
            [...board.values()].reduce((total, entry) => total + entry.frames, 0) === 3 * framesPerStream &&
            [...board.values()].every((entry) => entry.left),
        ),
      ),
    );

    const participants = (await (await fetch(`${base}/participants`)).json()) as Array<{
      id: number;
      name: string | null;
      frames: number;
      streams: string[];
      left: boolean;
    }>;
    expect(participants.map((entry) => entry.frames).sort()).toEqual([10, 20]);
    expect(participants.every((entry) => entry.name !== null && entry.left)).toBe(true);

    const sharing = participants.find((entry) => entry.streams.includes("screenshare"));
    expect(sharing).toBeDefined();
    const id = sharing?.id as number;
    const webcam = await fetch(`${base}/participants/${id}/latest.png`);
    expect(webcam.status).toBe(200);
    expect(webcam.headers.get("content-type")).toBe("image/png");
    expect(webcam.headers.get("x-frame-seq")).toBe(String(framesPerStream - 1));
    expect(Buffer.from(await webcam.arrayBuffer()).equals(images.last(id, "webcam") as Buffer)).toBe(true);
    const screen = await fetch(`${base}/participants/${id}/latest.png?type=screenshare`);
    expect(Buffer.from(await screen.arrayBuffer()).equals(images.last(id, "screenshare") as Buffer)).toBe(true);

    expect((await fetch(`${base}/participants/999/latest.png`)).status).toBe(404);
    expect((await fetch(`${base}/participants/${id}/latest.png?type=audio`)).status).toBe(400);
  });

  it("refuses a bot with the wrong token, and the app stays up", async () => {
    const report = await createFakeRecallBot({
      url: `${base.replace("http", "ws")}/recall/`,
      token: "wrong-token-123456",
      participants: 1,
      duration: 0.5,
      images: "tiny",
    }).run();
    expect(report.outcome).toBe("rejected");
    expect(report.bots[0]?.rejectedHandshakes[0]?.statusCode).toBe(401);
    expect((await fetch(`${base}/hello`)).status).toBe(200);
  });

  it("stops the pipeline and the server together", async () => {
    const summary = await frameServer.close();
    expect(summary.reason).toBe("app closing");
    expect(frameServer.server.listening).toBe(false);
    await expect(fetch(`${base}/hello`)).rejects.toThrow();
    // afterEach closes again: closing twice must be safe.
  });
});
