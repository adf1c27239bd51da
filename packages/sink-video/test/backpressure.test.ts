import { execFileSync } from "node:child_process";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTestContext, settle } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { createVideoSink, videoSinkOptions } from "../src/index.js";
import { frameAt } from "./support/frames.js";
import { tempDir } from "./support/temp-dir.js";

/**
 * A stand-in ffmpeg: lists libx264 for `-encoders`; as an encoder it reads nothing until a line
 * arrives on the FIFO `gate`, then swallows its stdin: an encoder that is busy, then catches up.
 */
async function gatedFfmpeg(dir: string): Promise<{ executable: string; gate: string }> {
  const gate = join(dir, "gate");
  execFileSync("mkfifo", [gate]);
  const executable = join(dir, "ffmpeg");
  await writeFile(
    executable,
    [
      "#!/bin/sh",
      'if [ "$2" = "-encoders" ]; then echo " V....D libx264              H.264"; exit 0; fi',
      `read line < "${gate}"`,
      "exec cat > /dev/null",
      "",
    ].join("\n"),
  );
  await chmod(executable, 0o755);
  return { executable, gate };
}

describe("video sink backpressure", () => {
  it("a write resolves only once the encoder's stdin took the whole frame", async () => {
    const dir = await tempDir();
    const { executable, gate } = await gatedFfmpeg(dir);
    const sink = await createVideoSink(
      videoSinkOptions.parse({ dir: join(dir, "videos"), ffmpegPath: executable, manifest: false }),
      createTestContext(),
    );
    // A frame far larger than a pipe's buffer (64 KiB): stdin cannot take it while ffmpeg reads nothing.
    const base = frameAt(0, { recordingId: "slow" });
    const large = {
      ...base,
      image: { ...base.image, data: Buffer.concat([base.image.data, Buffer.alloc(4 * 1024 * 1024)]) },
    };
    let written = false;
    const writing = Promise.resolve(sink.write(Object.freeze(large))).then(() => {
      written = true;
    });
    await settle(200);
    expect(written).toBe(false);
    await writeFile(gate, "go\n");
    await writing;
    expect(written).toBe(true);
    await sink.close?.();
  });
});
