import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createFakeRecallBot, type FakeRecallBotEvent, type FakeRecallBotReport } from "@framepipe/testing";
import type { DemoOptions } from "./demo-options.js";
import { formatFramesTree, readStreamOutputs, type StreamOutput } from "./frames-tree.js";
import { type PipelineExit, type PipelineProcess, startPipelineProcess } from "./pipeline-process.js";
import { formatSimulatorReport } from "./simulator-report.js";
import { formatVideos, readVideoOutputs, type VideoOutput, videoUnavailable } from "./videos-report.js";

/** The pipeline the demo runs without ffmpeg: websocket → resize 320×180 JPEG → fs with manifests. */
export const demoPipelineFile = fileURLToPath(new URL("../pipeline.yaml", import.meta.url));

/** The pipeline the demo runs when ffmpeg is installed: the same, plus one mp4 per participant stream. */
export const demoVideoPipelineFile = fileURLToPath(new URL("../pipeline-video.yaml", import.meta.url));

/** Marks a folder as the demo's own, so a later run may empty it. */
const markerFile = ".framepipe-demo";
const fps = 2;

/** What a demo run did. */
export interface DemoResult {
  /** Empty when every frame the simulator sent was written and both sides ended cleanly. */
  readonly problems: readonly string[];
  readonly streams: readonly StreamOutput[];
  /** The videos written; empty when ffmpeg was missing (see `videoProblem`). */
  readonly videos: readonly VideoOutput[];
  /** Why no videos were made (ffmpeg missing, and how to install it), or null. */
  readonly videoProblem: string | null;
  readonly report: FakeRecallBotReport | null;
  readonly pipelineExit: PipelineExit | null;
}

async function prepareOutput(output: string): Promise<void> {
  if (existsSync(output)) {
    const entries = await readdir(output);
    // Only a folder the demo made (or an empty one) is emptied: --output must never delete user files.
    if (entries.length > 0 && !entries.includes(markerFile)) {
      throw new Error(`${output} exists and was not made by the demo; choose another --output`);
    }
    await rm(output, { recursive: true, force: true });
  }
  await mkdir(output, { recursive: true });
  await writeFile(join(output, markerFile), "Written by examples/demo/run-demo.ts; emptied by each demo run.\n");
}

function describeBotEvent(event: FakeRecallBotEvent): string | null {
  switch (event.type) {
    case "connected":
      return event.reconnect ? "simulator: reconnected" : "simulator: bot connected, meeting starts";
    case "disconnected":
      return event.code === 1000 ? null : `simulator: connection closed (${event.code} ${event.reason})`;
    case "rejected":
      return `simulator: handshake refused with HTTP ${event.statusCode}`;
    case "retrying":
      return `simulator: retrying in ${(event.inMs / 1000).toFixed(0)} s (${event.attempt}/${event.attempts})`;
    case "warning":
      return `simulator: warning: ${event.message}`;
    default:
      return null;
  }
}

async function writtenSoFar(pipeline: PipelineProcess): Promise<string> {
  try {
    const metrics = await (await fetch(`${pipeline.apiUrl}/metrics`)).text();
    const written = /^framepipe_frames_sent_total\{component="disk"\} (\d+)/m.exec(metrics)?.[1];
    return written === undefined ? "" : `, ${written} written`;
  } catch {
    return "";
  }
}

function check(options: DemoOptions, result: Omit<DemoResult, "problems">): string[] {
  const problems: string[] = [];
  const { report, pipelineExit, streams, videos } = result;
  if (result.videoProblem === null) {
    for (const stream of streams) {
      const file = `${stream.recording}/${stream.participant}-${stream.type}.mp4`;
      const video = videos.find((candidate) => candidate.file === file);
      if (!video) problems.push(`no video ${file} for ${stream.participant}/${stream.type}`);
      else if (!video.complete || video.framesIn !== stream.frames) {
        problems.push(
          `${file}: ${video.framesIn} of ${stream.frames} frames encoded${video.complete ? "" : ", incomplete"}`,
        );
      }
    }
  }
  if (report && report.outcome !== "completed") problems.push(`the simulator ended "${report.outcome}"`);
  if (pipelineExit && pipelineExit.code !== 0) {
    problems.push(`framepipe run exited with code ${pipelineExit.code ?? pipelineExit.signal}`);
  }
  const written = streams.reduce((sum, stream) => sum + stream.frames, 0);
  const sent = report?.totals.framesSent ?? 0;
  if (written !== sent) problems.push(`the simulator sent ${sent} frames but ${written} files were written`);
  const expectedStreams = options.participants + options.screenshare;
  if (streams.length !== expectedStreams) {
    problems.push(`expected ${expectedStreams} streams (one per participant and type), found ${streams.length}`);
  }
  for (const stream of streams) {
    if (stream.manifestLines !== stream.frames) {
      problems.push(
        `${stream.participant}/${stream.type}: ${stream.frames} files, ${stream.manifestLines} in manifest`,
      );
    }
  }
  return problems;
}

/**
 * The demo: starts `framepipe run` on the demo pipeline (a child process, on a free port, with a
 * random token), sends it a simulated Recall meeting from this process, stops it with SIGTERM,
 * then prints where the frames went, the pipeline's summary and the simulator's report.
 */
export async function runDemo(options: DemoOptions, print: (text: string) => void): Promise<DemoResult> {
  const base = process.cwd();
  await prepareOutput(options.output);
  const frames = join(options.output, "frames");
  const videosDir = join(options.output, "videos");
  const token = randomBytes(16).toString("hex");
  const videoProblem = await videoUnavailable();
  const pipelineFile = videoProblem === null ? demoVideoPipelineFile : demoPipelineFile;
  print(
    `framepipe demo: ${options.participants} participants (${options.screenshare} sharing a screen), ` +
      `${options.duration} s at ${fps} fps, realistic Recall frames\n` +
      `  pipeline  ${relative(base, pipelineFile)}: websocket → resize 320×180 JPEG → fs` +
      `${videoProblem === null ? ", and websocket → video (one mp4 per participant stream)" : ""}\n` +
      `  output    ${relative(base, options.output) || "."}/`,
  );

  if (videoProblem !== null) print(`videos: ${videoProblem}`);
  const pipeline = await startPipelineProcess({
    config: pipelineFile,
    cwd: options.output,
    env: { FRAMEPIPE_TOKEN: token, FRAMEPIPE_DEMO_FRAMES: frames, FRAMEPIPE_DEMO_VIDEOS: videosDir },
    logFile: join(options.output, "framepipe.log"),
  });
  print(`framepipe run: listening on ${pipeline.websocketUrl} (metrics: ${pipeline.apiUrl}/metrics)`);
  print(`live preview: open ${pipeline.apiUrl}/preview/ while the demo runs`);

  const interrupted = new AbortController();
  const onInterrupt = () => interrupted.abort();
  process.once("SIGINT", onInterrupt);
  let report: FakeRecallBotReport | null = null;
  let pipelineExit: PipelineExit | null = null;
  try {
    const bot = createFakeRecallBot({
      url: pipeline.websocketUrl,
      token,
      participants: options.participants,
      screenshare: options.screenshare,
      fps,
      duration: options.duration,
      images: "realistic",
      signal: interrupted.signal,
      onEvent: (event) => {
        const line = describeBotEvent(event);
        if (line !== null) print(line);
        if (event.type === "tick" && event.tick > 0 && event.tick % (fps * 5) === 0) {
          // Both counters are read once the metrics arrive, so "written" never runs ahead of "sent".
          void writtenSoFar(pipeline).then((written) =>
            print(`  ${event.tick / fps} s: ${bot.report().totals.framesSent} frames sent${written}`),
          );
        }
      },
    });
    print("simulator: rendering realistic frames…");
    report = await bot.run();
    if (report.outcome === "completed") {
      // The source logs the bot's close once it has read every message the bot sent.
      await pipeline.waitForLogs(
        (line) => line.msg === "websocket connection closed" && line.code === 1000,
        1,
        "the simulator's connection closed",
      );
    }
  } finally {
    process.off("SIGINT", onInterrupt);
    print("stopping framepipe (SIGTERM): it drains what it accepted, then exits");
    pipelineExit = await pipeline.stop();
  }

  const streams = await readStreamOutputs(frames);
  print(`\nwhere the frames went:\n${formatFramesTree(frames, base, streams)}`);
  const videos = videoProblem === null ? await readVideoOutputs(videosDir) : [];
  if (videoProblem === null)
    print(`\nthe videos, one per participant stream:\n${formatVideos(videosDir, base, videos)}`);
  print(`\nframepipe's summary:\n${pipelineExit.stderr.trim()}`);
  print(`\n${formatSimulatorReport(report)}`);
  print(`\npipeline logs: ${relative(base, join(options.output, "framepipe.log"))}`);
  const problems = check(options, { streams, videos, videoProblem, report, pipelineExit });
  return { problems, streams, videos, videoProblem, report, pipelineExit };
}
