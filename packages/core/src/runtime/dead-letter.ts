import { appendFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ErrorStage } from "../errors/framepipe-error.js";
import type { ResourceRef, VideoFrame } from "../model/video-frame.js";
import { makeDirectory } from "../plugin/kit/make-directory.js";

/** What failed, as recorded beside a dead-lettered frame. */
export interface DeadLetterError {
  /** Component label, e.g. `sink:s3#archive`. */
  readonly component: string;
  readonly stage: ErrorStage;
  readonly message: string;
}

/** Where one dead letter went. */
export interface DeadLetterLocation {
  /** The NDJSON file the record line was appended to. */
  readonly recordFile: string;
  /** The image file. */
  readonly imageFile: string;
}

const maxSegmentLength = 100;

/** A string made safe as one file name segment: no separators, dots-only names or control characters. */
export function safeFileSegment(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, maxSegmentLength);
  return cleaned === "" || /^\.+$/.test(cleaned) ? "_" : cleaned;
}

function resource(ref: ResourceRef): { id: string; metadata: Record<string, string> } {
  return { id: ref.id, metadata: { ...ref.metadata } };
}

/**
 * The dead-letter record of a frame: the Recall `video_separate_png.data` envelope rebuilt from the
 * frame (so it can be replayed), the error, and framepipe's own fields (`seq`, the image file).
 */
export function deadLetterRecord(
  frame: VideoFrame,
  error: DeadLetterError,
  imageFile: string,
): Record<string, unknown> {
  const participant = frame.participant;
  return {
    event: "video_separate_png.data",
    data: {
      data: {
        buffer: frame.image.data.toString("base64"),
        timestamp: { relative: frame.timestamp.relative, absolute: frame.timestamp.absolute.toISOString() },
        type: frame.type,
        participant: {
          id: participant.id,
          name: participant.name,
          is_host: participant.isHost,
          platform: participant.platform,
          extra_data: participant.extraData,
          email: participant.email,
        },
      },
      realtime_endpoint: resource(frame.realtimeEndpoint),
      video_separate: resource(frame.videoSeparate),
      recording: resource(frame.recording),
      bot: frame.bot ? resource(frame.bot) : null,
    },
    error: { component: error.component, stage: error.stage, message: error.message },
    framepipe: {
      seq: frame.seq,
      image: { file: imageFile, format: frame.image.format, width: frame.image.width, height: frame.image.height },
    },
  };
}

/**
 * Writes dead letters under one directory: per component, `<component id>.ndjson` gets one record
 * line per frame and `<component id>/<recording>_<participant>_<type>_<seq>.<ext>` the image.
 * Appends to one file are serialised so concurrent failures never interleave lines.
 */
export class DeadLetterWriter {
  /** Absolute directory. */
  readonly directory: string;
  readonly #appends = new Map<string, Promise<void>>();

  constructor(directory: string) {
    this.directory = directory;
  }

  async write(componentId: string, frame: VideoFrame, error: DeadLetterError): Promise<DeadLetterLocation> {
    const component = safeFileSegment(componentId);
    const extension = safeFileSegment(String(frame.image.format).toLowerCase());
    const imageName = [
      safeFileSegment(frame.recording.id),
      String(frame.participant.id),
      frame.type,
      String(frame.seq).padStart(6, "0"),
    ].join("_");
    const relativeImage = `${component}/${imageName}.${extension}`;
    const imageFile = path.join(this.directory, component, `${imageName}.${extension}`);
    const recordFile = path.join(this.directory, `${component}.ndjson`);
    // makeDirectory: a read-only disk is reported as EROFS, where a recursive mkdir says ENOENT.
    await makeDirectory(path.dirname(imageFile));
    await writeFile(imageFile, frame.image.data);
    const line = `${JSON.stringify(deadLetterRecord(frame, error, relativeImage))}\n`;
    await this.#append(recordFile, line);
    return { recordFile, imageFile };
  }

  #append(file: string, line: string): Promise<void> {
    const previous = this.#appends.get(file) ?? Promise.resolve();
    const next = previous.then(() => appendFile(file, line));
    const settled = next.catch(() => {});
    this.#appends.set(file, settled);
    void settled.then(() => {
      if (this.#appends.get(file) === settled) this.#appends.delete(file);
    });
    return next;
  }
}
