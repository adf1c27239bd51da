import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import {
  compilePathTemplate,
  defaultManifestTemplate,
  defineSink,
  describeError,
  type FramepipeError,
  type GroupInfo,
  InsideResolver,
  type PluginContext,
  type ResolvedFile,
  type SinkInstance,
  type StreamInfo,
  type StreamManifests,
  type VideoFrame,
} from "@framepipe/core";
import { writeFileAtomically } from "./atomic-write.js";
import { DirectoryCache } from "./directory-cache.js";
import { type FsSinkOptions, fsSinkOptions } from "./fs-sink-options.js";
import { createManifestFiles, ManifestAppendError, type ManifestFile } from "./manifest-files.js";
import { errorReason, toWriteError, type WriteFailure, WriteStepError } from "./write-errors.js";

type Stage = NonNullable<WriteFailure["stage"]>;

/**
 * Builds a running `fs` sink: creates the root folder (failing fast with a clear message when it
 * cannot), compiles the templates once, then writes each frame atomically under the root.
 */
export async function createFsSink(options: FsSinkOptions, context: PluginContext): Promise<SinkInstance> {
  const root = resolve(options.dir);
  const pathTemplate = compilePathTemplate(options.path);
  const directories = new DirectoryCache(options.dirMode);
  const writtenBytes = context.metrics.counter("fs_sink_written_bytes_total", "Bytes of frames written to files.");
  const writeErrors = context.metrics.counter(
    "fs_sink_write_errors_total",
    "Frame files that could not be written, by reason (exists, no-space, permission, read-only, busy, …).",
    ["reason"],
  );
  const droppedLines = context.metrics.counter(
    "fs_sink_manifest_lines_dropped_total",
    "Manifest lines dropped because appending to the manifest kept failing.",
  );

  try {
    await mkdir(root, options.dirMode === undefined ? { recursive: true } : { recursive: true, mode: options.dirMode });
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

  let closing: Promise<void> | null = null;

  return {
    async write(frame: VideoFrame): Promise<void> {
      const target = pathTemplate.render(frame);
      const file = insideFile(target);
      try {
        await writeFile(file, frame.image.data);
      } catch (error) {
        writeErrors.inc({ reason: errorReason(error) });
        throw toWriteError(error, { component: context.label, target, root });
      }
      writtenBytes.inc(undefined, frame.image.data.byteLength);
      if (!manifests) return;
      try {
        await manifests.add(frame, target);
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
