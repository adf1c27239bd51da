import { open } from "node:fs/promises";
import { type ManifestFrameFields, type PathTemplate, StreamManifests } from "@framepipe/core/plugin";
import { step } from "./write-errors.js";

/** Lines buffered per stream before they are appended without waiting for the stream's end. */
export const MANIFEST_FLUSH_LINES = 64;

/** Lines a stream keeps while its appends fail; older ones are dropped (and reported) beyond it. */
export const MANIFEST_MAX_PENDING_LINES = 4096;

/** One line of a manifest: what a video assembler or a dataset loader needs per frame. */
export interface ManifestLine extends ManifestFrameFields {
  /** The frame's file, relative to the sink's `dir`, `/`-separated. */
  readonly file: string;
}

/** Where a stream's manifest file is. */
export interface ManifestFile {
  /** Absolute path of the manifest file. */
  readonly path: string;
  /** Relative to the root, for messages. */
  readonly relativePath: string;
}

/** What {@link createManifestFiles} needs from the sink. */
export interface ManifestFilesOptions {
  readonly template: PathTemplate;
  /** Resolves a rendered relative path inside the root (throws when it would leave it). */
  readonly resolve: (relativePath: string) => string;
  /** Creates (once) the folder of a path. */
  readonly ensureDirectory: (path: string) => Promise<void>;
  readonly fsync: boolean;
  readonly fileMode: number | undefined;
  /** Lines dropped because appends kept failing. */
  readonly onDropped?: (lines: number, relativePath: string) => void;
}

/** A failed manifest append: the manifest (relative to the root) and the file-system error as cause. */
export class ManifestAppendError extends Error {
  readonly relativePath: string;

  constructor(relativePath: string, cause: unknown) {
    super(`cannot append to the manifest "${relativePath}"`, { cause });
    this.name = "ManifestAppendError";
    this.relativePath = relativePath;
  }
}

async function appendLines(file: ManifestFile, lines: string, options: ManifestFilesOptions): Promise<void> {
  try {
    await options.ensureDirectory(file.path);
    await step("manifest", async () => {
      const handle = await open(file.path, "a", options.fileMode ?? 0o666);
      try {
        await handle.writeFile(lines);
        if (options.fsync) await handle.sync();
      } finally {
        await handle.close();
      }
    });
  } catch (error) {
    throw new ManifestAppendError(file.relativePath, error);
  }
}

/**
 * Per-stream NDJSON manifest files. Lines are appended in order: every
 * {@link MANIFEST_FLUSH_LINES} lines, when the stream or its group ends, and on flush/close.
 * A manifest's path is rendered from its stream's first frame. An existing manifest is appended
 * to (a pipeline restarted on the same recording continues it).
 */
export function createManifestFiles(options: ManifestFilesOptions): StreamManifests<ManifestFile> {
  return new StreamManifests<ManifestFile>({
    locate: (frame) => {
      const relativePath = options.template.render(frame);
      return { path: options.resolve(relativePath), relativePath };
    },
    save: (file, lines) => appendLines(file, lines, options),
    storedAs: "file",
    saveAfterLines: MANIFEST_FLUSH_LINES,
    maxPendingLines: MANIFEST_MAX_PENDING_LINES,
    onDropped: (lines, file) => options.onDropped?.(lines, file.relativePath),
  });
}
