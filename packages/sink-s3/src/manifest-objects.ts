import { type ManifestFrameFields, type PathTemplate, StreamManifests } from "@framepipe/core/plugin";

/** Lines a stream buffers before its manifest object is rewritten without waiting for the stream's end. */
export const MANIFEST_CHECKPOINT_LINES = 1024;

/** Lines a stream keeps while its saves fail; older ones are dropped (and reported) beyond it. */
export const MANIFEST_MAX_PENDING_LINES = 16 * MANIFEST_CHECKPOINT_LINES;

/** One line of a manifest: what a video assembler or a dataset loader needs per frame. */
export interface ManifestLine extends ManifestFrameFields {
  /** The frame's object key (prefix included). */
  readonly key: string;
}

/** How manifests reach the store; the sink supplies S3 calls. */
export interface ManifestStore {
  /** The current content of an object, or `""` when it does not exist. */
  read(key: string): Promise<string>;
  write(key: string, body: string): Promise<void>;
  /** Lines dropped because saves kept failing. */
  dropped?(lines: number, key: string): void;
}

/**
 * Per-stream NDJSON manifest objects. S3 cannot append, so a save reads the manifest object (if
 * any), adds the buffered lines and writes it back: when the stream or its group ends, on
 * flush/close, and every {@link MANIFEST_CHECKPOINT_LINES} lines. An existing manifest is
 * continued (a pipeline restarted on the same recording). A manifest's key is rendered from its
 * stream's first frame.
 */
export function createManifestObjects(template: PathTemplate, prefix: string, store: ManifestStore) {
  return new StreamManifests<string>({
    locate: (frame) => prefix + template.render(frame),
    save: async (key, lines) => {
      const existing = await store.read(key);
      const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
      await store.write(key, existing + separator + lines);
    },
    storedAs: "key",
    saveAfterLines: MANIFEST_CHECKPOINT_LINES,
    maxPendingLines: MANIFEST_MAX_PENDING_LINES,
    onDropped: (lines, key) => store.dropped?.(lines, key),
  });
}
