import { relative, resolve } from "node:path";
import {
  compilePathTemplate,
  defineSink,
  describeError,
  type FramepipeError,
  type GroupInfo,
  groupKeyOfFrame,
  makeDirectory,
  type PluginContext,
  resolveInside,
  type SinkInstance,
  type VideoFrame,
} from "@framepipe/core";
import { recallFrameMessage } from "./recall-frame-message.js";
import { errorReason, toRecordError } from "./record-errors.js";
import { RecordFileError, RecordFiles } from "./record-files.js";
import { effectivePathTemplate, type RecordSinkOptions, recordSinkOptions } from "./record-sink-options.js";

type Stage = "write" | "end-group" | "flush" | "close";

/**
 * Builds a running `record` sink: creates the root folder (failing fast with a clear message when
 * it cannot), compiles the path template once, then appends each frame as the Recall message it
 * came from, one per line, to the file its path renders to.
 */
export async function createRecordSink(options: RecordSinkOptions, context: PluginContext): Promise<SinkInstance> {
  const root = resolve(options.dir);
  const template = compilePathTemplate(effectivePathTemplate(options));
  const writtenBytes = context.metrics.counter(
    "record_sink_written_bytes_total",
    "Bytes of Recall messages appended to recordings, before compression.",
  );
  const writeErrors = context.metrics.counter(
    "record_sink_write_errors_total",
    "Appends that failed, by reason (no-space, permission, read-only, busy, …).",
    ["reason"],
  );
  const openFiles = context.metrics.gauge("record_sink_open_files", "Recording files open now.");

  try {
    await makeDirectory(root);
  } catch (error) {
    throw context.error(`cannot create the recordings folder (dir) ${root}: ${describeError(error)}`, {
      stage: "create",
      cause: error,
    });
  }

  const files = new RecordFiles({
    gzip: options.gzip,
    maxOpenFiles: options.maxOpenFiles,
    onOpenFilesChange: (count) => openFiles.set(count),
  });

  const failure = (error: unknown, stage: Stage, target?: string): FramepipeError => {
    writeErrors.inc({ reason: errorReason(error instanceof RecordFileError ? error.cause : error) });
    if (error instanceof RecordFileError) {
      return toRecordError(error.cause, { component: context.label, target: relative(root, error.path), root, stage });
    }
    return toRecordError(error, { component: context.label, target: target ?? "?", root, stage });
  };

  const warnedFormats = new Set<string>();
  const warnAboutFormat = (frame: VideoFrame): void => {
    if (frame.image.format === "png" || warnedFormats.has(frame.image.format)) return;
    warnedFormats.add(frame.image.format);
    context.logger.warn(
      { format: frame.image.format },
      "recording frames that are no longer PNG: Recall's video_separate_png.data carries PNG, so a replay will count " +
        "these lines as not-png; put the record sink right after the source",
    );
  };

  let closing: Promise<void> | null = null;

  return {
    retryFor: options.retryFor,
    async write(frame: VideoFrame): Promise<void> {
      if (closing) {
        throw context.error("the sink is closed", { stage: "write" });
      }
      const target = template.render(frame);
      const absolute = resolveInside(root, target);
      if (absolute === null) {
        throw context.error(`refusing to write "${target}": it resolves outside ${root}`, { stage: "write" });
      }
      warnAboutFormat(frame);
      const line = Buffer.from(`${recallFrameMessage(frame)}\n`);
      try {
        await files.write(absolute, groupKeyOfFrame(frame), line);
      } catch (error) {
        throw failure(error, "write", target);
      }
      writtenBytes.inc(undefined, line.length);
    },
    async endGroup(group: GroupInfo): Promise<void> {
      try {
        await files.endGroup(group.key);
      } catch (error) {
        throw failure(error, "end-group");
      }
    },
    async flush(): Promise<void> {
      try {
        await files.flush();
      } catch (error) {
        throw failure(error, "flush");
      }
    },
    close(): Promise<void> {
      closing ??= files.close().catch((error: unknown) => {
        throw failure(error, "close");
      });
      return closing;
    },
  };
}

/**
 * `@framepipe/sink-record`: writes every frame back as the exact Recall `video_separate_png.data`
 * message, one JSON message per line (NDJSON), optionally gzipped, so the `replay` source can
 * play a captured meeting into any pipeline. Only frames are recorded: participant events never
 * reach a sink.
 */
export const recordSink = defineSink({
  type: "record",
  summary: "Records frames as Recall-format NDJSON (optionally gzipped) for the replay source.",
  options: recordSinkOptions,
  create: (options, context) => createRecordSink(options, context),
});
