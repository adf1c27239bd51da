import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { toSafeSegment } from "@framepipe/core";
import { createRecordingContext, createTestContext, walkFiles } from "@framepipe/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createVideoSink, type VideoSinkOptionsInput, videoSinkOptions } from "../src/index.js";
import { probe, readManifest } from "./support/ffprobe.js";
import { frameAt, realisticFrameAt } from "./support/frames.js";
import { tempDir } from "./support/temp-dir.js";

async function sinkIn(dir: string, options: Partial<VideoSinkOptionsInput> = {}, context = createTestContext()) {
  return createVideoSink(videoSinkOptions.parse({ dir, ...options }), context);
}

/** Resolves once the file holds an mp4 fragment (`moof`): checked on every change of its folder, no timer. */
async function untilFragmentIn(path: string): Promise<void> {
  const { watch } = await import("node:fs");
  const hasFragment = async () => (await readFile(path).catch(() => Buffer.alloc(0))).includes("moof");
  if (await hasFragment()) return;
  await new Promise<void>((resolve, reject) => {
    const watcher = watch(join(path, ".."), () => {
      hasFragment().then((found) => {
        if (!found) return;
        watcher.close();
        resolve();
      }, reject);
    });
  });
}

const savedFfmpegPath = process.env.FFMPEG_PATH;
afterEach(() => {
  if (savedFfmpegPath === undefined) delete process.env.FFMPEG_PATH;
  else process.env.FFMPEG_PATH = savedFfmpegPath;
});

describe("video sink failures", () => {
  it("an encoder killed mid-stream: counted and logged once, its file plays, the stream continues in a new segment, others untouched", async () => {
    const dir = await tempDir();
    const recording = createRecordingContext();
    const sink = await sinkIn(dir, {}, recording.context);
    // Realistic frames: ffmpeg reads its pipe in 4 KiB blocks, which tiny flat PNGs would not fill.
    for (let seq = 0; seq < 8; seq += 1) {
      await sink.write(await realisticFrameAt(seq / 2, { recordingId: "kill", participantId: 1 }));
      await sink.write(frameAt(seq / 2, { recordingId: "kill", participantId: 2 }));
    }
    const victim = sink.encoders().find((encoder) => encoder.file === "kill/1-webcam.mp4");
    expect(victim?.pid).toBeTypeOf("number");
    await untilFragmentIn(join(dir, "kill", "1-webcam.mp4"));
    process.kill(victim?.pid ?? 0, "SIGKILL");
    const exit = await victim?.exited;
    expect(exit?.signal).toBe("SIGKILL");
    for (let seq = 8; seq < 12; seq += 1) {
      await sink.write(await realisticFrameAt(seq / 2, { recordingId: "kill", participantId: 1 }));
      await sink.write(frameAt(seq / 2, { recordingId: "kill", participantId: 2 }));
    }
    await sink.close?.();

    const manifest = await readManifest(dir, "kill");
    const killed = manifest.find((line) => line.file === "kill/1-webcam.mp4");
    expect(killed).toMatchObject({ complete: false, reason: "encoder-failed", framesIn: 8 });
    expect(killed?.encoderError).toMatch(/SIGKILL/);
    const killedVideo = await probe(join(dir, "kill", "1-webcam.mp4"));
    expect(killedVideo.frames).toBeGreaterThan(0);
    expect(manifest.find((line) => line.file === "kill/1-webcam.001.mp4")).toMatchObject({
      complete: true,
      framesIn: 4,
      first: { relative: 4 },
    });
    expect(await probe(join(dir, "kill", "1-webcam.001.mp4"))).toMatchObject({ frames: 4 });
    expect(manifest.find((line) => line.file === "kill/2-webcam.mp4")).toMatchObject({ complete: true, framesIn: 12 });
    expect(await probe(join(dir, "kill", "2-webcam.mp4"))).toMatchObject({ frames: 12, duration: 6 });
    expect(recording.counters.get("video_sink_encoder_failures_total")).toBe(1);
    expect(recording.logs.filter((entry) => entry.level === "error")).toHaveLength(1);
  });

  it("hostile participant names and recording ids stay inside dir, made safe as in every sink", async () => {
    const dir = await tempDir();
    const sink = await sinkIn(dir, { path: "{recording.id}/{participant.name}-{type}.{ext}" });
    const names = ["../../../etc/passwd", "a/b\\\\c", "nul\u0000byte", "..", "x".repeat(400), "\u202eevil"];
    let participantId = 1;
    for (const name of names) {
      await sink.write(frameAt(0, { recordingId: "../../escape", participantId, name }));
      participantId += 1;
    }
    await sink.close?.();
    const files = (await walkFiles(dir)).sort();
    const recordingFolder = toSafeSegment("../../escape");
    const expected = [
      ...names.map((name) => `${recordingFolder}/${toSafeSegment(name)}-webcam.mp4`),
      `${recordingFolder}/videos.ndjson`,
    ].sort();
    expect(files).toEqual(expected);
    for (const file of files.filter((name) => name.endsWith(".mp4"))) {
      expect(await probe(join(dir, file))).toMatchObject({ frames: 1 });
    }
  });

  it("fails at create when ffmpeg is missing, saying how to install it", async () => {
    const dir = await tempDir();
    await expect(sinkIn(dir, { ffmpegPath: join(dir, "no-ffmpeg") })).rejects.toThrow(
      /ffmpeg was not found .*apt-get install ffmpeg/,
    );
    process.env.FFMPEG_PATH = join(dir, "also-missing");
    await expect(sinkIn(dir)).rejects.toThrow(/also-missing/);
  });

  it("fails at create when ffmpeg lacks the encoder, naming it", async () => {
    const dir = await tempDir();
    const fake = join(dir, "ffmpeg");
    await writeFile(fake, '#!/bin/sh\necho "Encoders:"\necho " V....D libvpx-vp9           libvpx VP9"\n');
    await chmod(fake, 0o755);
    await expect(sinkIn(dir, { ffmpegPath: fake })).rejects.toThrow(/no libx264 encoder.*apt-get install ffmpeg/);
    await expect(sinkIn(dir, { ffmpegPath: fake, format: "webm" })).resolves.toBeDefined();
  });

  it("rejects a codec that does not fit the container, and width without height", () => {
    const result = videoSinkOptions.safeParse({ dir: "x", format: "mp4", codec: "vp9", width: 320 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["codec", "codec vp9 does not go in mp4: use h264"],
      ["height", "give width and height together"],
    ]);
    expect(
      videoSinkOptions.safeParse({ dir: "x", path: "{recording.id}/{segmnt}.{ext}" }).error?.issues[0]?.message,
    ).toMatch(/unknown field \{segmnt\}/);
  });
});
