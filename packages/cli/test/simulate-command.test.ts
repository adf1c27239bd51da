import { type RecallTestReceiver, startRecallTestReceiver } from "@framepipe/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { CliOutput } from "../src/cli-output.js";
import { runCli } from "../src/program.js";

let receiver: RecallTestReceiver | null = null;

afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

function capture(): CliOutput & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), error: (text) => stderr.push(text) };
}

describe("framepipe simulate", () => {
  it("sends the meeting, prints progress and a final report, and exits 0", async () => {
    receiver = await startRecallTestReceiver({ token: "sim-token-1", path: "/recall/" });
    const output = capture();
    const code = await runCli(
      [
        "simulate",
        receiver.url.replace(/\/$/, ""),
        "--token",
        "sim-token-1",
        "--bots",
        "2",
        "--participants",
        "3",
        "--screenshare",
        "1",
        "--duration",
        "1",
        "--fps",
        "4",
        "--bad",
        "2",
        "--rate",
        "max",
        "--images",
        "tiny",
      ],
      output,
    );
    expect(output.stderr.join("\n")).toContain('Recall requires a "/" before "?"');
    expect(code).toBe(0);
    const stdout = output.stdout.join("\n");
    expect(stdout).toContain("simulate: 2 bot(s) × 3 participant(s) (1 sharing a screen), 4 fps, 1 s, rate max");
    expect(stdout).toContain("bot 1: connected");
    expect(stdout).toMatch(/simulate: completed in \d+\.\d s/);
    expect(stdout).toContain("total: 32/32 frames, 14 participant events, 4 bad messages");
    expect(stdout).not.toContain("sim-token-1");
    expect(output.stderr.join("\n")).not.toContain("sim-token-1");
    const frames = receiver.messages.filter(
      (message) => message.result.ok && message.result.event.kind === "video-frame",
    );
    expect(frames).toHaveLength(32);
    expect(receiver.messages.filter((message) => !message.result.ok)).toHaveLength(4);
    expect(receiver.connectionsAccepted).toBe(2);
  });

  it("exits 1 with a clear message when the handshake is rejected", async () => {
    receiver = await startRecallTestReceiver({ token: "sim-token-1" });
    const output = capture();
    const code = await runCli(
      ["simulate", receiver.url, "--token", "wrong-token", "--duration", "1", "--images", "tiny"],
      output,
    );
    expect(code).toBe(1);
    const stderr = output.stderr.join("\n");
    expect(stderr).toContain("bot 1: handshake rejected: HTTP 401");
    expect(stderr).toContain("error: the receiver rejected the websocket handshake with HTTP 401");
    expect(stderr).toContain("check --token / --secret");
    expect(stderr).not.toContain("wrong-token");
    expect(receiver.messages).toHaveLength(0);
  });

  it("refuses invalid option values before connecting", async () => {
    const output = capture();
    const code = await runCli(["simulate", "ws://127.0.0.1:1/", "--participants", "zero"], output);
    expect(code).toBe(1);
    expect(output.stderr.join("\n")).toContain('expected a whole number ≥ 1, got "zero"');
    const badUrl = capture();
    expect(await runCli(["simulate", "not a url", "--images", "tiny"], badUrl)).toBe(1);
    expect(badUrl.stderr.join("\n")).toContain("is not a URL");
  });
});
