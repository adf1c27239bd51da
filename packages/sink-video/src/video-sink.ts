import { access, appendFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import {
  compilePathTemplate,
  defineSink,
  describeError,
  type GroupInfo,
  groupKeyOfFrame,
  makeDirectory,
  type PluginContext,
  resolveInside,
  type SinkInstance,
  type StreamInfo,
  type StreamKey,
  streamKeyOfFrame,
  type VideoFrame,
} from "@framepipe/core";
import { blackFrame } from "./black-frame.js";
import { describeExit, type EncoderExit, EncoderGoneError, EncoderProcess } from "./encoder-process.js";
import { checkFfmpeg, decoderOfFormat, ENCODER_BY_CODEC, ffmpegArguments, ffmpegExecutable } from "./ffmpeg.js";
import { fileDigest } from "./file-digest.js";
import { type ClockSettings, placeFrame } from "./frame-clock.js";
import { createUploader, type Uploader } from "./upload.js";
import { VideoPaths } from "./video-paths.js";
import { effectiveCodec, type VideoSinkOptions, videoSinkOptions } from "./video-sink-options.js";

/** Why a file was finished. */
export type FinishReason =
  | "end-stream"
  | "end-group"
  | "shutdown"
  | "close"
  | "max-gap"
  | "segment"
  | "format-change"
  | "encoder-failed"
  | "evicted";

/** One manifest line: a finished video file. */
export interface VideoManifestLine {
  readonly event: "finished";
  /** Path under dir, `/`-separated. */
  readonly file: string;
  readonly recordingId: string;
  readonly participantId: number;
  readonly participantName: string | null;
  readonly type: string;
  /** Segment number of the stream (0, 1, …). */
  readonly segment: number;
  readonly format: string;
  readonly codec: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Timestamps of the first and last frame in the file (relative in seconds, absolute ISO or null). */
  readonly first: { readonly relative: number; readonly absolute: string | null };
  readonly last: { readonly relative: number; readonly absolute: string | null };
  /** Seconds of video: frames in plus frames filled, over fps. */
  readonly duration: number;
  /** Frames of the stream written into the file. */
  readonly framesIn: number;
  /** Gap images written (repeated or black). */
  readonly framesFilled: number;
  /** Frames not written: late, duplicate, or more than one in an output frame's time. */
  readonly framesDropped: number;
  readonly bytes: number | null;
  readonly sha256: string | null;
  /** False when the encoder failed or was killed: the file plays up to its last fragment. */
  readonly complete: boolean;
  readonly reason: FinishReason;
  /** How the encoder ended, when it did not end cleanly. */
  readonly encoderError?: string;
}

/** An encoder running now, for tests and diagnostics. */
export interface RunningEncoder {
  readonly stream: StreamKey;
  readonly file: string;
  readonly pid: number | undefined;
  /** Resolves when the process has ended, however it ended. */
  readonly exited: Promise<EncoderExit>;
}

/** The `video` sink instance: a {@link SinkInstance} that also lists its encoders. */
export interface VideoSinkInstance extends SinkInstance {
  /** The encoders running now (their pids: a test may kill one). */
  encoders(): RunningEncoder[];
}

interface Segment {
  readonly index: number;
  readonly file: string;
  readonly path: string;
  readonly encoder: EncoderProcess;
  readonly inputFormat: string;
  readonly firstFrame: VideoFrame;
  readonly start: number;
  nextSlot: number;
  lastImage: Buffer;
  last: VideoFrame;
  framesIn: number;
  framesFilled: number;
  framesDropped: number;
  finished: Promise<void> | null;
}

interface StreamState {
  readonly key: StreamKey;
  readonly groupKey: string;
  readonly width: number;
  readonly height: number;
  nextIndex: number;
  current: Segment | null;
  lastRelative: number | null;
  writing: boolean;
  /** Drops while no file was open, counted into the next file's line. */
  droppedPending: number;
}

type DropReason = "late" | "duplicate" | "same-slot" | "invalid-time";

function even(value: number): number {
  return Math.max(2, value + (value % 2));
}

function isoOf(date: Date): string | null {
  return Number.isFinite(date.getTime()) ? date.toISOString() : null;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Builds a running `video` sink: checks that ffmpeg runs and has the encoder (failing with what is
 * missing and how to install it), creates the root folder, then encodes each stream (recording,
 * participant, type) with its own ffmpeg process, spawned on the stream's first frame.
 */
export async function createVideoSink(options: VideoSinkOptions, context: PluginContext): Promise<VideoSinkInstance> {
  const root = resolve(options.dir);
  const codec = effectiveCodec(options);
  const encoderName = ENCODER_BY_CODEC[codec];
  const executable = ffmpegExecutable(options);
  const extension = options.format;
  const paths = new VideoPaths(options.path, extension);
  const manifestTemplate = compilePathTemplate(options.manifestPath);
  const clock: ClockSettings = { fps: options.fps, maxGap: options.maxGap, segment: options.segment };

  const check = await checkFfmpeg(executable, encoderName);
  if (!check.ok) throw context.error(check.problem, { stage: "create" });
  try {
    await makeDirectory(root);
  } catch (error) {
    throw context.error(`cannot create the videos folder (dir) ${root}: ${describeError(error)}`, {
      stage: "create",
      cause: error,
    });
  }

  const framesEncoded = context.metrics.counter(
    "video_sink_frames_encoded_total",
    "Frames piped into encoders (frames in).",
  );
  const framesFilled = context.metrics.counter(
    "video_sink_frames_filled_total",
    "Gap images piped into encoders to keep the output rate (the last frame repeated, or black).",
  );
  const framesDropped = context.metrics.counter(
    "video_sink_frames_dropped_total",
    "Frames not encoded, by reason (late, duplicate, same-slot, invalid-time).",
    ["reason"],
  );
  const encodersOpen = context.metrics.gauge("video_sink_encoders_open", "ffmpeg encoder processes running now.");
  const encoderFailures = context.metrics.counter(
    "video_sink_encoder_failures_total",
    "Encoders that crashed, were killed or exited with an error.",
  );
  const filesFinished = context.metrics.counter(
    "video_sink_files_finished_total",
    "Video files finished, by reason (end-stream, segment, max-gap, encoder-failed, evicted, …).",
    ["reason"],
  );
  const writtenBytes = context.metrics.counter("video_sink_written_bytes_total", "Bytes of finished video files.");

  const uploader: Uploader | null = options.upload
    ? createUploader(options.upload, {
        context,
        extension,
        root,
        appendManifestLine: (frame, line) => appendManifest(frame, line),
      })
    : null;

  /** Streams by key, least recently written first. */
  const streams = new Map<StreamKey, StreamState>();
  /** Absolute paths of files open or finishing in this sink: never handed out twice. */
  const reserved = new Set<string>();
  const manifestTails = new Map<string, Promise<void>>();
  let running = 0;
  let closing: Promise<void> | null = null;

  const appendManifest = (frame: VideoFrame, line: object): Promise<void> => {
    const target = resolveInside(root, manifestTemplate.render(frame));
    if (target === null) return Promise.reject(new Error("the manifest path resolves outside dir"));
    const previous = manifestTails.get(target) ?? Promise.resolve();
    const next = previous.then(async () => {
      await makeDirectory(dirname(target));
      await appendFile(target, `${JSON.stringify(line)}\n`);
    });
    const tail = next.catch(() => {});
    manifestTails.set(target, tail);
    tail.then(() => {
      if (manifestTails.get(target) === tail) manifestTails.delete(target);
    });
    return next;
  };

  const countDrop = (state: StreamState, reason: DropReason): void => {
    framesDropped.inc({ reason });
    if (state.current) state.current.framesDropped += 1;
    else state.droppedPending += 1;
  };

  const finishSegment = (state: StreamState, segment: Segment, reason: FinishReason): Promise<void> => {
    if (state.current === segment) state.current = null;
    segment.finished ??= (async () => {
      const exit = await segment.encoder.finish();
      const digest = await fileDigest(segment.path).catch(() => null);
      reserved.delete(segment.path);
      const complete = exit.clean;
      const line: VideoManifestLine = {
        event: "finished",
        file: segment.file,
        recordingId: segment.firstFrame.recording.id,
        participantId: segment.firstFrame.participant.id,
        participantName: segment.last.participant.name ?? null,
        type: segment.firstFrame.type,
        segment: segment.index,
        format: options.format,
        codec,
        width: state.width,
        height: state.height,
        fps: options.fps,
        first: { relative: segment.start, absolute: isoOf(segment.firstFrame.timestamp.absolute) },
        last: { relative: segment.last.timestamp.relative, absolute: isoOf(segment.last.timestamp.absolute) },
        duration: (segment.framesIn + segment.framesFilled) / options.fps,
        framesIn: segment.framesIn,
        framesFilled: segment.framesFilled,
        framesDropped: segment.framesDropped,
        bytes: digest?.bytes ?? null,
        sha256: digest?.sha256 ?? null,
        complete,
        reason: complete ? reason : "encoder-failed",
        ...(complete ? {} : { encoderError: describeExit(exit) }),
      };
      filesFinished.inc({ reason: line.reason });
      if (digest) writtenBytes.inc(undefined, digest.bytes);
      context.logger.info(
        {
          file: line.file,
          duration: line.duration,
          framesIn: line.framesIn,
          framesFilled: line.framesFilled,
          framesDropped: line.framesDropped,
          bytes: line.bytes,
          complete,
          reason: line.reason,
        },
        complete
          ? "video file finished"
          : "video file finished early: its encoder failed (the file plays up to its last fragment)",
      );
      if (options.manifest) await appendManifest(segment.firstFrame, line);
      if (uploader && digest) uploader.enqueue(segment.firstFrame, segment.index, segment.path, line.file);
    })();
    return segment.finished;
  };

  const evictOne = async (): Promise<void> => {
    for (const state of streams.values()) {
      const segment = state.current;
      if (!segment || state.writing || segment.encoder.finishing) continue;
      context.logger.warn(
        { file: segment.file, maxEncoders: options.maxEncoders },
        "maxEncoders reached: finishing the least recently written stream's file (it continues in a new segment)",
      );
      await finishSegment(state, segment, "evicted");
      return;
    }
  };

  const openSegment = async (state: StreamState, frame: VideoFrame): Promise<Segment> => {
    if (running >= options.maxEncoders) await evictOne();
    let index = state.nextIndex;
    let file: string;
    let path: string;
    for (;;) {
      file = paths.render(frame, index);
      const inside = resolveInside(root, file);
      if (inside === null)
        throw context.error(`refusing to write "${file}": it resolves outside ${root}`, { stage: "write" });
      path = inside;
      if (!reserved.has(path) && !(await exists(path))) break;
      index += 1;
      if (index - state.nextIndex > 10_000) {
        throw context.error(`no free file name for "${file}" after 10000 segment numbers`, { stage: "write" });
      }
    }
    reserved.add(path);
    state.nextIndex = index + 1;
    try {
      await makeDirectory(dirname(path));
    } catch (error) {
      reserved.delete(path);
      throw context.error(`cannot create the folder of "${file}" under ${root}: ${describeError(error)}`, {
        stage: "write",
        cause: error,
      });
    }
    const encoder = new EncoderProcess(
      executable,
      ffmpegArguments(options, {
        fps: options.fps,
        width: state.width,
        height: state.height,
        inputFormat: frame.image.format,
        output: path,
      }),
    );
    running += 1;
    encodersOpen.set(running);
    encoder.exited.then((exit) => {
      running -= 1;
      encodersOpen.set(running);
      if (!exit.clean) {
        encoderFailures.inc();
        context.logger.error(
          { file, pid: encoder.pid, exit: describeExit(exit) },
          "video encoder failed: its file is kept (it plays up to its last fragment); the stream continues in a new segment",
        );
      }
    });
    const segment: Segment = {
      index,
      file,
      path,
      encoder,
      inputFormat: frame.image.format,
      firstFrame: frame,
      start: frame.timestamp.relative,
      nextSlot: 0,
      lastImage: frame.image.data,
      last: frame,
      framesIn: 0,
      framesFilled: 0,
      framesDropped: state.droppedPending,
      finished: null,
    };
    state.droppedPending = 0;
    state.current = segment;
    return segment;
  };

  /** Writes the frame into the current file; false when the file is gone and a new one must start. */
  const writeToSegment = async (state: StreamState, segment: Segment, frame: VideoFrame): Promise<boolean> => {
    const relativeTime = frame.timestamp.relative;
    const placement = placeFrame(
      { start: segment.start, nextSlot: segment.nextSlot, lastRelative: state.lastRelative ?? segment.start },
      relativeTime,
      clock,
    );
    if (placement.kind === "drop") {
      if (placement.reason === "same-slot") state.lastRelative = relativeTime;
      countDrop(state, placement.reason);
      return true;
    }
    if (placement.kind === "next-segment") {
      await finishSegment(state, segment, placement.reason);
      return false;
    }
    try {
      if (placement.fill > 0) {
        const gapImage =
          options.gap === "black"
            ? await blackFrame(state.width, state.height, segment.inputFormat)
            : segment.lastImage;
        for (let filled = 0; filled < placement.fill; filled += 1) {
          await segment.encoder.write(gapImage);
          segment.framesFilled += 1;
          segment.nextSlot += 1;
          framesFilled.inc();
        }
      }
      await segment.encoder.write(frame.image.data);
    } catch (error) {
      if (!(error instanceof EncoderGoneError)) throw error;
      await finishSegment(state, segment, "encoder-failed");
      return false;
    }
    segment.nextSlot = placement.slot + 1;
    segment.framesIn += 1;
    segment.lastImage = frame.image.data;
    segment.last = frame;
    state.lastRelative = relativeTime;
    framesEncoded.inc();
    return true;
  };

  const writeFrame = async (state: StreamState, frame: VideoFrame): Promise<void> => {
    if (decoderOfFormat(frame.image.format) === null) {
      throw context.error(`cannot encode ${frame.image.format} frames: the video sink takes png, jpeg or webp`, {
        stage: "write",
      });
    }
    let segment = state.current;
    if (segment?.encoder.exit) {
      await finishSegment(state, segment, "encoder-failed");
      segment = null;
    }
    if (segment && segment.inputFormat !== frame.image.format) {
      await finishSegment(state, segment, "format-change");
      segment = null;
    }
    if (segment && (await writeToSegment(state, segment, frame))) return;

    const relativeTime = frame.timestamp.relative;
    if (!Number.isFinite(relativeTime)) return countDrop(state, "invalid-time");
    if (state.lastRelative !== null && relativeTime <= state.lastRelative) {
      return countDrop(state, relativeTime < state.lastRelative ? "late" : "duplicate");
    }
    // A new file: the stream's first frame, or after a gap, a segment end, a failed encoder.
    const fresh = await openSegment(state, frame);
    try {
      await fresh.encoder.write(frame.image.data);
    } catch (error) {
      if (!(error instanceof EncoderGoneError)) throw error;
      await finishSegment(state, fresh, "encoder-failed");
      throw context.error(`ffmpeg could not encode "${fresh.file}": ${describeExit(error.exit)}`, {
        stage: "write",
        cause: error,
      });
    }
    fresh.nextSlot = 1;
    fresh.framesIn = 1;
    state.lastRelative = relativeTime;
    framesEncoded.inc();
  };

  const endStreams = async (selected: StreamState[], reason: FinishReason): Promise<void> => {
    const results = await Promise.allSettled(
      selected.map((state) => {
        if (streams.get(state.key) === state) streams.delete(state.key);
        return state.current ? finishSegment(state, state.current, reason) : Promise.resolve();
      }),
    );
    const failed = results.find((result) => result.status === "rejected");
    if (failed) {
      throw context.error(`cannot finish a video file: ${describeError(failed.reason)}`, {
        stage: "close",
        cause: failed.reason,
      });
    }
  };

  return {
    async write(frame: VideoFrame): Promise<void> {
      if (closing) throw context.error("the sink is closed", { stage: "write" });
      const key = streamKeyOfFrame(frame);
      let state = streams.get(key);
      if (state) {
        streams.delete(key);
      } else {
        state = {
          key,
          groupKey: groupKeyOfFrame(frame),
          width: options.width ?? even(frame.image.width),
          height: options.height ?? even(frame.image.height),
          nextIndex: 0,
          current: null,
          lastRelative: null,
          writing: false,
          droppedPending: 0,
        };
      }
      streams.set(key, state);
      state.writing = true;
      try {
        await writeFrame(state, frame);
      } finally {
        state.writing = false;
      }
    },
    async endStream(stream: StreamInfo): Promise<void> {
      const state = streams.get(stream.key);
      if (state) await endStreams([state], "end-stream");
    },
    async endGroup(group: GroupInfo): Promise<void> {
      const selected = [...streams.values()].filter((state) => state.groupKey === group.key);
      await endStreams(selected, group.reason === "shutdown" ? "shutdown" : "end-group");
    },
    close(): Promise<void> {
      closing ??= (async () => {
        await endStreams([...streams.values()], "close");
        await uploader?.close();
      })();
      return closing;
    },
    encoders(): RunningEncoder[] {
      return [...streams.values()].flatMap((state) =>
        state.current && !state.current.encoder.exit
          ? [
              {
                stream: state.key,
                file: state.current.file,
                pid: state.current.encoder.pid,
                exited: state.current.encoder.exited,
              },
            ]
          : [],
      );
    },
  };
}

/**
 * `@framepipe/sink-video`: one video file per participant stream (webcam and screenshare apart),
 * encoded in real time by the system ffmpeg from the frames' own timestamps.
 */
export const videoSink = defineSink({
  type: "video",
  summary: "Encodes each participant stream into an mp4 or webm file with ffmpeg, in real time.",
  options: videoSinkOptions,
  // Writes wait on ffmpeg processes, not on this one's CPU: let many streams wait at once.
  concurrency: 32,
  // framepipe validate: is the ffmpeg these options need here, with their encoder?
  check: async (options) => {
    const found = await checkFfmpeg(ffmpegExecutable(options), ENCODER_BY_CODEC[effectiveCodec(options)]);
    return found.ok ? [] : [found.problem];
  },
  create: (options, context) => createVideoSink(options, context),
});
