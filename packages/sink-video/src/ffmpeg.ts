import { execFile } from "node:child_process";
import type { VideoSinkOptions } from "./video-sink-options.js";
import { effectiveCodec } from "./video-sink-options.js";

/** The ffmpeg encoder of each codec. */
export const ENCODER_BY_CODEC = { h264: "libx264", vp9: "libvpx-vp9", vp8: "libvpx" } as const;

/** How to get an ffmpeg with those encoders, for error messages. */
export const FFMPEG_INSTALL_HINT =
  "install the system ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg), " +
  "or point ffmpegPath or FFMPEG_PATH at one";

/** The ffmpeg executable of the options: `ffmpegPath`, else `$FFMPEG_PATH`, else `ffmpeg` on PATH. */
export function ffmpegExecutable(options: Pick<VideoSinkOptions, "ffmpegPath">): string {
  return options.ffmpegPath ?? (process.env.FFMPEG_PATH || "ffmpeg");
}

/** What {@link checkFfmpeg} found. */
export type FfmpegCheck = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/** Encoder names listed by `ffmpeg -hide_banner -encoders` (` V....D libx264   …`). */
export function parseEncoderList(output: string): Set<string> {
  const names = new Set<string>();
  for (const line of output.split("\n")) {
    const match = /^\s*[VAS][A-Z.]{5}\s+(\S+)/.exec(line);
    if (match?.[1] && match[1] !== "=") names.add(match[1]);
  }
  return names;
}

/**
 * Checks that `executable` runs and lists `encoder` (`ffmpeg -hide_banner -encoders`). The problem,
 * when there is one, names what is missing and how to install it.
 */
export function checkFfmpeg(executable: string, encoder: string): Promise<FfmpegCheck> {
  return new Promise((resolve) => {
    execFile(executable, ["-hide_banner", "-encoders"], { maxBuffer: 4 * 1024 * 1024 }, (error, stdout) => {
      if (error && (error as NodeJS.ErrnoException).code === "ENOENT") {
        resolve({ ok: false, problem: `ffmpeg was not found ("${executable}"): ${FFMPEG_INSTALL_HINT}` });
        return;
      }
      if (error) {
        resolve({
          ok: false,
          problem: `"${executable} -encoders" failed (${error.message.trim()}): ${FFMPEG_INSTALL_HINT}`,
        });
        return;
      }
      if (!parseEncoderList(stdout).has(encoder)) {
        resolve({
          ok: false,
          problem: `ffmpeg ("${executable}") has no ${encoder} encoder: ${FFMPEG_INSTALL_HINT} (Debian's ffmpeg has libx264, libvpx-vp9 and libvpx)`,
        });
        return;
      }
      resolve({ ok: true });
    });
  });
}

/** The image2pipe decoder of a frame format; null for a format ffmpeg is not fed. */
export function decoderOfFormat(format: string): string | null {
  switch (format.toLowerCase()) {
    case "png":
      return "png";
    case "jpeg":
    case "jpg":
      return "mjpeg";
    case "webp":
      return "webp";
    default:
      return null;
  }
}

/** What one encoder process needs to know. */
export interface EncoderSettings {
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  /** Frame format piped on stdin: png, jpeg or webp. */
  readonly inputFormat: string;
  readonly output: string;
}

/**
 * The ffmpeg arguments of one encoder: images on stdin at `fps` (one image per output frame),
 * every image scaled to fit and padded to `width`×`height`, encoded and written to `output`,
 * flushed after every packet. MP4 is fragmented (a fragment at least every second), so a file cut
 * by a crash plays up to its last fragment.
 */
export function ffmpegArguments(options: VideoSinkOptions, settings: EncoderSettings): string[] {
  const { width, height, fps } = settings;
  const codec = effectiveCodec(options);
  const decoder = decoderOfFormat(settings.inputFormat) ?? "png";
  const gop = Math.max(1, Math.round((options.keyframeInterval / 1000) * fps));
  const filter =
    `scale=${width}:${height}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
    `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p`;
  const args = [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "error",
    // Start at the first image instead of probing seconds of input first (10 images at 2 fps).
    "-probesize",
    "32",
    "-analyzeduration",
    "0",
    "-f",
    "image2pipe",
    "-framerate",
    String(fps),
    "-c:v",
    decoder,
    "-i",
    "pipe:0",
    "-an",
    "-vf",
    filter,
    "-r",
    String(fps),
    "-c:v",
    ENCODER_BY_CODEC[codec],
    "-threads",
    String(options.threads),
    "-g",
    String(gop),
  ];
  if (codec === "h264") {
    args.push("-preset", options.preset, "-tune", "zerolatency", "-pix_fmt", "yuv420p");
    if (options.bitrate) args.push("-b:v", options.bitrate, "-maxrate", options.bitrate, "-bufsize", options.bitrate);
    else args.push("-crf", String(options.crf ?? 28));
  } else {
    args.push("-deadline", "realtime", "-cpu-used", "8", "-lag-in-frames", "0", "-pix_fmt", "yuv420p");
    if (codec === "vp9") args.push("-row-mt", "0");
    if (options.bitrate) args.push("-b:v", options.bitrate);
    else args.push("-crf", String(options.crf ?? (codec === "vp9" ? 40 : 20)), "-b:v", codec === "vp9" ? "0" : "1M");
  }
  if (options.format === "mp4") {
    args.push("-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-frag_duration", "1000000", "-f", "mp4");
  } else {
    args.push("-cluster_time_limit", "1000", "-f", "webm");
  }
  args.push("-flush_packets", "1", "-y", settings.output);
  return args;
}
