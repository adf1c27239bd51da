import { type GroupKey, groupKeyOfFrame, type StreamKey, streamKeyOfFrame } from "../../model/stream-key.js";
import type { VideoFrame } from "../../model/video-frame.js";
import { manifestFieldsOf } from "./manifest-line.js";

/** How a sink keeps its manifests: where each goes, how lines reach it, and the bounds. */
export interface StreamManifestsOptions<Location> {
  /** Where the manifest of a stream goes, from the stream's first frame. When it throws, so does `add`. */
  readonly locate: (frame: VideoFrame) => Location;
  /** Adds NDJSON lines at the end of a manifest (appends to a file, or rewrites an object with them). */
  readonly save: (location: Location, lines: string) => Promise<void>;
  /** The field of each line saying where the frame was stored: `file`, `key`. */
  readonly storedAs: string;
  /** Lines a stream buffers before a save is due without waiting for the stream's end. */
  readonly saveAfterLines: number;
  /** Lines a stream keeps while its saves fail; older ones are dropped (and reported) beyond it. */
  readonly maxPendingLines: number;
  /** Lines dropped because saves kept failing. */
  readonly onDropped?: (lines: number, location: Location) => void;
}

interface StreamManifest<Location> {
  readonly groupKey: GroupKey;
  readonly location: Location;
  lines: string[];
  /** Saves run one after another, so lines keep their order and no two rewrite a manifest at once. */
  tail: Promise<void>;
}

async function settleAll(saves: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(saves);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}

/**
 * Per-stream NDJSON manifests of a sink, one line per stored frame. Lines are buffered per stream
 * and saved in order: every `saveAfterLines` lines (which bounds memory for long streams), when
 * the stream or its group ends, and on flush. A failed save keeps its lines for the next one.
 */
export class StreamManifests<Location> {
  readonly #options: StreamManifestsOptions<Location>;
  readonly #streams = new Map<StreamKey, StreamManifest<Location>>();

  constructor(options: StreamManifestsOptions<Location>) {
    this.#options = options;
  }

  /**
   * Records a stored frame (`storedAt`: its file or key). Returns the save that became due, if
   * any: await it, or track it and let the stream's end report a failure.
   */
  add(frame: VideoFrame, storedAt: string): Promise<void> | null {
    const streamKey = streamKeyOfFrame(frame);
    let manifest = this.#streams.get(streamKey);
    if (!manifest) {
      const location = this.#options.locate(frame);
      manifest = { groupKey: groupKeyOfFrame(frame), location, lines: [], tail: Promise.resolve() };
      this.#streams.set(streamKey, manifest);
    }
    manifest.lines.push(`${JSON.stringify({ [this.#options.storedAs]: storedAt, ...manifestFieldsOf(frame) })}\n`);
    return manifest.lines.length >= this.#options.saveAfterLines ? this.#save(manifest) : null;
  }

  /** Saves what a stream has buffered and forgets the stream (kept when the save fails, for a retry). */
  async endStream(streamKey: StreamKey): Promise<void> {
    const manifest = this.#streams.get(streamKey);
    if (!manifest) return;
    await this.#save(manifest);
    if (this.#streams.get(streamKey) === manifest && manifest.lines.length === 0) this.#streams.delete(streamKey);
  }

  /** Ends every stream of a group that `endStream` did not end. */
  async endGroup(groupKey: GroupKey): Promise<void> {
    const keys = [...this.#streams].filter(([, manifest]) => manifest.groupKey === groupKey).map(([key]) => key);
    await settleAll(keys.map((key) => this.endStream(key)));
  }

  /** Saves what every stream has buffered; streams stay open. */
  async flush(): Promise<void> {
    await settleAll([...this.#streams.values()].map((manifest) => this.#save(manifest)));
  }

  /** Lines waiting to be saved, all streams together. */
  get pendingLines(): number {
    let count = 0;
    for (const manifest of this.#streams.values()) count += manifest.lines.length;
    return count;
  }

  #save(manifest: StreamManifest<Location>): Promise<void> {
    const run = async (): Promise<void> => {
      if (manifest.lines.length === 0) return;
      const lines = manifest.lines;
      manifest.lines = [];
      try {
        await this.#options.save(manifest.location, lines.join(""));
      } catch (error) {
        // Keep the lines for the next save (a retried endStream, flush or close), within a bound.
        manifest.lines = [...lines, ...manifest.lines];
        const excess = manifest.lines.length - this.#options.maxPendingLines;
        if (excess > 0) {
          manifest.lines.splice(0, excess);
          this.#options.onDropped?.(excess, manifest.location);
        }
        throw error;
      }
    };
    const next = manifest.tail.then(run, run);
    manifest.tail = next.catch(() => {});
    return next;
  }
}
