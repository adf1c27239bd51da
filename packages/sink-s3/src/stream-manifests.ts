import type { GroupKey, PathTemplate, StreamKey, VideoFrame } from "@framepipe/core/plugin";

/** Lines a stream buffers before its manifest object is rewritten without waiting for the stream's end. */
export const MANIFEST_CHECKPOINT_LINES = 1024;

/** Lines a stream keeps while its saves fail; older ones are dropped (and reported) beyond it. */
export const MANIFEST_MAX_PENDING_LINES = 16 * MANIFEST_CHECKPOINT_LINES;

/** One line of a manifest: what a video assembler or a dataset loader needs per frame. */
export interface ManifestLine {
  /** The frame's object key (prefix included). */
  readonly key: string;
  readonly seq: number;
  /** Seconds since the recording started, as Recall sent it. */
  readonly relative: number;
  /** ISO 8601 capture time (UTC), or null when the frame had no valid time. */
  readonly absolute: string | null;
  readonly width: number;
  readonly height: number;
  readonly format: string;
  /** Size of the object in bytes. */
  readonly bytes: number;
  /** The participant's name when the frame was captured (names arrive late), or null. */
  readonly participantName: string | null;
}

/** How manifests reach the store; the sink supplies S3 calls. */
export interface ManifestStore {
  /** The current content of an object, or `""` when it does not exist. */
  read(key: string): Promise<string>;
  write(key: string, body: string): Promise<void>;
  /** Lines dropped because saves kept failing. */
  dropped?(lines: number, key: string): void;
}

interface StreamManifest {
  readonly groupKey: GroupKey;
  readonly key: string;
  lines: string[];
  /** Saves run one after another, so no two rewrite the same object at once. */
  tail: Promise<void>;
}

/** The manifest line of a stored frame. */
export function manifestLineOf(frame: VideoFrame, key: string): ManifestLine {
  const time = frame.timestamp.absolute.getTime();
  return {
    key,
    seq: frame.seq,
    relative: frame.timestamp.relative,
    absolute: Number.isFinite(time) ? frame.timestamp.absolute.toISOString() : null,
    width: frame.image.width,
    height: frame.image.height,
    format: String(frame.image.format),
    bytes: frame.image.data.byteLength,
    participantName: frame.participant.name ?? null,
  };
}

/**
 * Per-stream NDJSON manifest objects. S3 cannot append, so a save reads the manifest object (if
 * any), adds the buffered lines and writes it back: when the stream or its group ends, on
 * flush/close, and every {@link MANIFEST_CHECKPOINT_LINES} lines, which bounds memory for long
 * streams. An existing manifest is continued (a pipeline restarted on the same recording). A
 * manifest's key is rendered from its stream's first frame.
 */
export class StreamManifests {
  readonly #template: PathTemplate;
  readonly #prefix: string;
  readonly #store: ManifestStore;
  readonly #streams = new Map<StreamKey, StreamManifest>();

  constructor(template: PathTemplate, prefix: string, store: ManifestStore) {
    this.#template = template;
    this.#prefix = prefix;
    this.#store = store;
  }

  /** Records a stored frame. Returns a checkpoint save when one became due (the caller tracks it). */
  add(streamKey: StreamKey, groupKey: GroupKey, frame: VideoFrame, key: string): Promise<void> | null {
    let manifest = this.#streams.get(streamKey);
    if (!manifest) {
      manifest = { groupKey, key: this.#prefix + this.#template.render(frame), lines: [], tail: Promise.resolve() };
      this.#streams.set(streamKey, manifest);
    }
    manifest.lines.push(`${JSON.stringify(manifestLineOf(frame, key))}\n`);
    return manifest.lines.length >= MANIFEST_CHECKPOINT_LINES ? this.#save(manifest) : null;
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

  #save(manifest: StreamManifest): Promise<void> {
    const run = async (): Promise<void> => {
      if (manifest.lines.length === 0) return;
      const lines = manifest.lines;
      manifest.lines = [];
      try {
        const existing = await this.#store.read(manifest.key);
        const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
        await this.#store.write(manifest.key, existing + separator + lines.join(""));
      } catch (error) {
        // Keep the lines for the next save (a retried endStream, flush or close).
        manifest.lines = [...lines, ...manifest.lines];
        const excess = manifest.lines.length - MANIFEST_MAX_PENDING_LINES;
        if (excess > 0) {
          manifest.lines.splice(0, excess);
          this.#store.dropped?.(excess, manifest.key);
        }
        throw error;
      }
    };
    const next = manifest.tail.then(run, run);
    manifest.tail = next.catch(() => {});
    return next;
  }
}

async function settleAll(saves: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(saves);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}
