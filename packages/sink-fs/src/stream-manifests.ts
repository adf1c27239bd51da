import { open } from "node:fs/promises";
import type { GroupKey, PathTemplate, StreamKey, VideoFrame } from "@framepipe/core/plugin";
import { step } from "./write-errors.js";

/** Lines buffered per stream before they are appended without waiting for the stream's end. */
export const MANIFEST_FLUSH_LINES = 64;

/** Lines a stream keeps while its appends fail; older ones are dropped (and reported) beyond it. */
export const MANIFEST_MAX_PENDING_LINES = 4096;

/** One line of a manifest: what a video assembler or a dataset loader needs per frame. */
export interface ManifestLine {
  /** The frame's file, relative to the sink's `dir`, `/`-separated. */
  readonly file: string;
  readonly seq: number;
  /** Seconds since the recording started, as Recall sent it. */
  readonly relative: number;
  /** ISO 8601 capture time (UTC), or null when the frame had no valid time. */
  readonly absolute: string | null;
  readonly width: number;
  readonly height: number;
  readonly format: string;
  /** Size of the file in bytes. */
  readonly bytes: number;
  /** The participant's name when the frame was captured (names arrive late), or null. */
  readonly participantName: string | null;
}

interface StreamManifest {
  readonly groupKey: GroupKey;
  /** Absolute path of the manifest file. */
  readonly path: string;
  /** Relative to the root, for messages. */
  readonly relativePath: string;
  lines: string[];
  /** Appends run one after another, so lines keep their order. */
  tail: Promise<void>;
}

/** What {@link StreamManifests} needs from the sink. */
export interface StreamManifestsOptions {
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

function lineOf(frame: VideoFrame, file: string): string {
  const time = frame.timestamp.absolute.getTime();
  const line: ManifestLine = {
    file,
    seq: frame.seq,
    relative: frame.timestamp.relative,
    absolute: Number.isFinite(time) ? frame.timestamp.absolute.toISOString() : null,
    width: frame.image.width,
    height: frame.image.height,
    format: frame.image.format,
    bytes: frame.image.data.byteLength,
    participantName: frame.participant.name ?? null,
  };
  return `${JSON.stringify(line)}\n`;
}

/**
 * Per-stream NDJSON manifests. Lines are buffered per stream and appended in order: every
 * {@link MANIFEST_FLUSH_LINES} lines, when the stream or its group ends, and on flush/close.
 * A manifest's path is rendered from its stream's first frame. An existing manifest is appended
 * to (a pipeline restarted on the same recording continues it).
 */
export class StreamManifests {
  readonly #options: StreamManifestsOptions;
  readonly #streams = new Map<StreamKey, StreamManifest>();

  constructor(options: StreamManifestsOptions) {
    this.#options = options;
  }

  /** Records a written frame; resolves once a due append is done. */
  async add(streamKey: StreamKey, groupKey: GroupKey, frame: VideoFrame, file: string): Promise<void> {
    let manifest = this.#streams.get(streamKey);
    if (!manifest) {
      const relativePath = this.#options.template.render(frame);
      manifest = {
        groupKey,
        path: this.#options.resolve(relativePath),
        relativePath,
        lines: [],
        tail: Promise.resolve(),
      };
      this.#streams.set(streamKey, manifest);
    }
    manifest.lines.push(lineOf(frame, file));
    if (manifest.lines.length >= MANIFEST_FLUSH_LINES) await this.#append(manifest);
  }

  /** Appends what a stream has buffered and forgets the stream (kept when the append fails, for a retry). */
  async endStream(streamKey: StreamKey): Promise<void> {
    const manifest = this.#streams.get(streamKey);
    if (!manifest) return;
    await this.#append(manifest);
    if (this.#streams.get(streamKey) === manifest && manifest.lines.length === 0) this.#streams.delete(streamKey);
  }

  /** Ends every stream of a group that `endStream` did not end. */
  async endGroup(groupKey: GroupKey): Promise<void> {
    const keys = [...this.#streams].filter(([, manifest]) => manifest.groupKey === groupKey).map(([key]) => key);
    await this.#settleAll(keys.map((key) => this.endStream(key)));
  }

  /** Appends what every stream has buffered; streams stay open. */
  async flush(): Promise<void> {
    await this.#settleAll([...this.#streams.values()].map((manifest) => this.#append(manifest)));
  }

  /** Number of lines waiting to be appended, all streams together. */
  get pendingLines(): number {
    let count = 0;
    for (const manifest of this.#streams.values()) count += manifest.lines.length;
    return count;
  }

  async #settleAll(appends: Promise<void>[]): Promise<void> {
    const results = await Promise.allSettled(appends);
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  }

  #append(manifest: StreamManifest): Promise<void> {
    const run = async (): Promise<void> => {
      if (manifest.lines.length === 0) return;
      const lines = manifest.lines;
      manifest.lines = [];
      try {
        await this.#options.ensureDirectory(manifest.path);
        await step("manifest", async () => {
          const handle = await open(manifest.path, "a", this.#options.fileMode ?? 0o666);
          try {
            await handle.writeFile(lines.join(""));
            if (this.#options.fsync) await handle.sync();
          } finally {
            await handle.close();
          }
        });
      } catch (error) {
        // Keep the lines for the next append (a retried endStream, flush or close), within a bound.
        manifest.lines = [...lines, ...manifest.lines];
        const excess = manifest.lines.length - MANIFEST_MAX_PENDING_LINES;
        if (excess > 0) {
          manifest.lines.splice(0, excess);
          this.#options.onDropped?.(excess, manifest.relativePath);
        }
        throw new ManifestAppendError(manifest.relativePath, error);
      }
    };
    const next = manifest.tail.then(run, run);
    manifest.tail = next.catch(() => {});
    return next;
  }
}
