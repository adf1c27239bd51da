import type { AnyPluginDefinition } from "../plugin/define-plugin.js";
import type { ComponentKind } from "../plugin/plugin-context.js";

/** What happens to a frame whose transform or sink write failed for good. */
export type OnErrorPolicy = "drop" | "dead-letter" | "fail";

/** What a full stream queue does with the next frame. */
export type OverflowPolicy = "block" | "drop-oldest" | "drop-newest";

/** One validated component of the pipeline graph. */
export interface ComponentConfig {
  /** Id from the config (letters, digits, `-`, `_`). */
  readonly id: string;
  readonly kind: ComponentKind;
  readonly type: string;
  /** Ids of upstream components; empty for sources. */
  readonly inputs: readonly string[];
  readonly onError: OnErrorPolicy;
  /**
   * Steps of this transform or sink allowed at once (different streams), when the config sets it;
   * otherwise the plugin's declared `concurrency`, else `runtime.concurrency`.
   */
  readonly concurrency?: number | null;
  /** The plugin's options, validated (and defaulted) by its own schema. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly definition: AnyPluginDefinition;
}

/** Runtime settings, with units normalised (bytes, milliseconds). */
export interface RuntimeConfig {
  /** Frames buffered per stream before `overflow` applies. */
  readonly queue: number;
  readonly overflow: OverflowPolicy;
  readonly maxInFlightBytes: number;
  /** Frames in flight at once per transform or sink (all participants), unless the component sets its own. */
  readonly concurrency: number;
  /** A group with no frame for this long ends. Milliseconds. */
  readonly idleTimeout: number;
  /** Milliseconds. */
  readonly shutdownTimeout: number;
  /** Where `onError: dead-letter` writes; null when not configured. */
  readonly deadLetterDir: string | null;
  /**
   * Collect garbage once dropped frames add up (see `DroppedMemoryReclaimer`): `true` on, `false`
   * off, `undefined` (not set) off, because it turns on V8's `--expose-gc` for the whole process.
   * `framepipe run` resolves `undefined` to `true` before creating the pipeline.
   */
  readonly reclaimDroppedMemory?: boolean;
}

/** The HTTP API serving `/metrics`, `/health`, `/ready`. */
export interface ApiConfig {
  /** Null disables the API. */
  readonly port: number | null;
  readonly host: string;
}

/** A fully validated pipeline: what `createPipeline` runs. */
export interface PipelineConfig {
  readonly version: 1;
  readonly sources: readonly ComponentConfig[];
  readonly transforms: readonly ComponentConfig[];
  readonly sinks: readonly ComponentConfig[];
  readonly runtime: RuntimeConfig;
  readonly api: ApiConfig;
  readonly log: { readonly level: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent" };
  /** Plugin module specifiers as written, resolved against `baseDir`. */
  readonly plugins: readonly string[];
  /** Directory relative paths in the config are resolved against (the config file's folder). */
  readonly baseDir: string;
  /** The config file, when loaded from one. */
  readonly file: string | null;
}
