import { dirname, resolve } from "node:path";
import {
  compilePathTemplate,
  defaultManifestTemplate,
  defineSink,
  describeError,
  FramepipeError,
  type GroupInfo,
  InsideResolver,
  makeDirectory,
  type PluginContext,
  type ResolvedFile,
  SeqContinuation,
  type SinkInstance,
  STREAM_TEMPLATE_FIELDS,
  type StreamInfo,
  type StreamManifests,
  type VideoFrame,
} from "@framepipe/core";
import { writeFileAtomically } from "./atomic-write.js";
import { DirectoryCache } from "./directory-cache.js";
import { statLink } from "./file-operations.js";
import { type FsSinkOptions, fsSinkOptions } from "./fs-sink-options.js";
import { createManifestFiles, ManifestAppendError, type ManifestFile } from "./manifest-files.js";
import { holdsSameBytes } from "./same-content.js";
import { errorCode, errorReason, toWriteError, type WriteFailure, WriteStepError } from "./write-errors.js";

type Stage = NonNullable<WriteFailure["stage"]>;

/** Numberings one frame may try before its "exists" stands: each move is a probe past taken files. */
const MAX_MOVES_PER_FRAME = 16;

/** True when publishing failed because the file exists (overwrite false). */
function fileExisted(error: unknown): boolean {
  return error instanceof WriteStepError && error.step === "publish" && error.code === "EEXIST";
}

/**
 * True when a path template names each frame: its stream (recording, participant, type) and its
 * capture time. Then a file at a frame's path that holds the frame's bytes can only be that frame,
 * written before (a redelivery); without the capture time it may be another frame of the same
 * image (a still screenshare numbered again after a restart), which must not be lost.
 */
function namesEachFrame(fields: readonly string[]): boolean {
  return (
    STREAM_TEMPLATE_FIELDS.every((field) => fields.includes(field)) &&
    (fields.includes("timestamp.relative") || fields.includes("timestamp.absolute"))
  );
}

/**
 * Builds a running `fs` sink: creates the root folder (failing fast with a clear message when it
 * cannot), compiles the templates once, then writes each frame atomically under the root.
 */
export async function createFsSink(options: FsSinkOptions, context: PluginContext): Promise<SinkInstance> {
  const root = resolve(options.dir);
  const pathTemplate = compilePathTemplate(options.path);
  const pathNamesFrames = namesEachFrame(pathTemplate.fields);
  const directories = new DirectoryCache(options.dirMode);
  const writtenBytes = context.metrics.counter("fs_sink_written_bytes_total", "Bytes of frames written to files.");
  const writeErrors = context.metrics.counter(
    "fs_sink_write_errors_total",
    "Frame files that could not be written, by reason (exists, no-space, permission, read-only, busy, …).",
    ["reason"],
  );
  const duplicates = context.metrics.counter(
    "fs_sink_duplicates_total",
    "Frames not written because their file already held the very same bytes (a frame delivered twice).",
  );
  const droppedLines = context.metrics.counter(
    "fs_sink_manifest_lines_dropped_total",
    "Manifest lines dropped because appending to the manifest kept failing.",
  );

  try {
    await makeDirectory(root, options.dirMode);
  } catch (error) {
    throw context.error(`cannot create the output folder (dir) ${root}: ${describeError(error)}`, {
      stage: "create",
      cause: error,
    });
  }

  const resolver = new InsideResolver(root);
  const insideFile = (relativePath: string): ResolvedFile => {
    const file = resolver.resolve(relativePath);
    if (file === null) {
      throw context.error(`refusing to write "${relativePath}": it resolves outside ${root}`, { stage: "write" });
    }
    return file;
  };

  const manifests = options.manifest
    ? createManifestFiles({
        template: compilePathTemplate(options.manifestPath ?? defaultManifestTemplate(options.path)),
        resolve: (relativePath) => insideFile(relativePath).path,
        ensureDirectory: (path) => directories.ensure(dirname(path)),
        fsync: options.fsync,
        fileMode: options.fileMode,
        onDropped: (lines, relativePath) => {
          droppedLines.inc(undefined, lines);
          context.logger.error({ manifest: relativePath, lines }, "manifest lines dropped: appends keep failing");
        },
      })
    : null;

  let warnedAboutLinks = false;
  const writeOptions = {
    overwrite: options.overwrite,
    fsync: options.fsync,
    fileMode: options.fileMode,
    onLinkUnsupported: (error: unknown) => {
      if (warnedAboutLinks) return;
      warnedAboutLinks = true;
      context.logger.warn(
        { dir: root, error: String(error) },
        "hard links are not supported here; overwrite: false falls back to check-then-rename",
      );
    },
  };

  const writeFile = async (file: ResolvedFile, data: Uint8Array): Promise<void> => {
    if (!directories.isReady(file.directory)) await directories.ensure(file.directory);
    try {
      await writeFileAtomically(file.path, data, writeOptions);
    } catch (error) {
      // The folder was removed behind the cache's back: create it again, once.
      if (!(error instanceof WriteStepError && error.step === "write" && error.code === "ENOENT")) throw error;
      directories.forget(file.directory);
      await directories.ensure(file.directory);
      await writeFileAtomically(file.path, data, writeOptions);
    }
  };

  const manifestError = (error: unknown, stage: Stage): FramepipeError => {
    const failure = { component: context.label, root, stage };
    if (!(error instanceof ManifestAppendError)) return toWriteError(error, { ...failure, target: "?" });
    return toWriteError(error.cause, { ...failure, target: error.relativePath });
  };

  const finishManifests = async (stage: Stage, run: (manifests: StreamManifests<ManifestFile>) => Promise<void>) => {
    if (!manifests) return;
    try {
      await run(manifests);
    } catch (error) {
      throw manifestError(error, stage);
    }
  };

  const continuations = context.metrics.counter(
    "fs_sink_seq_continuations_total",
    "Times a stream's {seq} numbering moved past files that already existed (a restart in the middle of a recording).",
  );
  const continuation = new SeqContinuation({
    template: pathTemplate,
    exists: (relativePath) =>
      statLink(insideFile(relativePath).path).then(
        () => true,
        (error: unknown) => {
          if (errorCode(error) === "ENOENT") return false;
          throw error;
        },
      ),
    onContinued: ({ frame, seq, first }) => {
      continuations.inc();
      const fields = { recordingId: frame.recording.id, participantId: frame.participant.id, type: frame.type };
      const details = { ...fields, seq, frameSeq: frame.seq };
      if (first) context.logger.info(details, `stream continues at seq ${seq} after a restart: earlier files exist`);
      else context.logger.debug(details, `stream continues at seq ${seq}: its next file exists too`);
    },
  });

  /**
   * Writes a frame under its stream's numbering: with `{seq}` in the template and overwrite false,
   * a file that exists (an earlier run's) moves the stream past it instead of failing the frame.
   * When the path names each frame (see {@link namesEachFrame}), a file that exists at the frame's
   * path with its very bytes is the frame itself, delivered twice: it is left as it is
   * (`duplicate`), neither written again under the next number nor failed.
   */
  const writeNumbered = async (
    frame: VideoFrame,
  ): Promise<{ numbered: VideoFrame; target: string; duplicate: boolean }> => {
    let numbered = continuation.numbered(frame);
    let target = pathTemplate.render(numbered);
    try {
      for (let moves = 0; ; moves += 1) {
        const file = insideFile(target);
        try {
          await writeFile(file, frame.image.data);
          return { numbered, target, duplicate: false };
        } catch (error) {
          if (pathNamesFrames && fileExisted(error) && (await holdsSameBytes(file.path, frame.image.data))) {
            return { numbered, target, duplicate: true };
          }
          if (!continuation.enabled || moves >= MAX_MOVES_PER_FRAME || !fileExisted(error)) throw error;
          numbered = await continuation.continueAfter(frame, numbered);
          target = pathTemplate.render(numbered);
        }
      }
    } catch (error) {
      if (!FramepipeError.isInstance(error)) writeErrors.inc({ reason: errorReason(error) });
      throw toWriteError(error, { component: context.label, target, root });
    }
  };

  let closing: Promise<void> | null = null;

  return {
    retryFor: options.retryFor,
    async write(frame: VideoFrame): Promise<void> {
      const { numbered, target, duplicate } = await writeNumbered(frame);
      if (duplicate) {
        // Already on disk, and in the manifest unless the writer that put it there died first.
        duplicates.inc();
        context.logger.debug({ target, seq: frame.seq }, "frame already written (delivered twice): kept the file");
        return;
      }
      writtenBytes.inc(undefined, frame.image.data.byteLength);
      if (!manifests) return;
      try {
        // The seq the file is named with, which differs from frame.seq in a continued stream.
        await manifests.add(numbered, target);
      } catch (error) {
        // The frame itself is written: failing it would make a retry hit "already exists". The
        // lines stay buffered; endStream/flush/close report the failure if it persists.
        context.logger.warn({ error: manifestError(error, "write").message }, "manifest append failed; will retry");
      }
    },
    endStream(stream: StreamInfo) {
      return finishManifests("end-stream", (all) => all.endStream(stream.key));
    },
    endGroup(group: GroupInfo) {
      return finishManifests("end-group", (all) => all.endGroup(group.key));
    },
    flush() {
      return finishManifests("flush", (all) => all.flush());
    },
    close() {
      closing ??= finishManifests("close", (all) => all.flush()).catch((error: unknown) => {
        closing = null; // a failed close may be retried
        throw error;
      });
      return closing;
    },
  };
}

/**
 * `@framepipe/sink-fs`: writes each frame to a file under `dir`, at a path rendered from a
 * template. Writes are atomic (temp file + rename), paths never leave `dir`, existing files are
 * kept unless `overwrite: true`, and `manifest: true` adds an NDJSON index per stream.
 */
export const fsSink = defineSink({
  type: "fs",
  summary: "Writes frames to files under a folder: atomic writes, safe templated paths, optional manifests.",
  options: fsSinkOptions,
  create: (options, context) => createFsSink(options, context),
});
