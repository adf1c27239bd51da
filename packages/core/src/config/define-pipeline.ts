import type { AnyPluginDefinition } from "../plugin/define-plugin.js";
import type { OnErrorPolicy, OverflowPolicy } from "./pipeline-config.js";

/** A duration: milliseconds, or a string such as `500ms`, `30s`, `5m`, `1h`. */
export type DurationInput = number | `${number}${"ms" | "s" | "m" | "h"}`;

/** A size: bytes, or a string such as `512KiB`, `256MiB`, `1GB` (KB = 1000, KiB = 1024). */
export type ByteSizeInput = number | `${number}${"B" | "KB" | "KiB" | "MB" | "MiB" | "GB" | "GiB"}`;

/** Fields every component entry may have; plugin options sit flat beside them. */
export interface ComponentInputBase {
  /** The plugin: a built-in, `@framepipe/<kind>-<type>`, or one from `plugins`. */
  readonly type: string;
  /** What happens to a frame that failed for good (default `drop`). */
  readonly onError?: OnErrorPolicy;
  /** The plugin's own options, validated by its schema. */
  readonly [option: string]: unknown;
}

/** A `sources:` entry. Sources have no inputs. */
export interface SourceInput extends ComponentInputBase {
  readonly inputs?: never;
}

/** A `transforms:` or `sinks:` entry. */
export interface ConnectedComponentInput extends ComponentInputBase {
  /** Ids of upstream sources or transforms: fan-in merges, fan-out shares. */
  readonly inputs: readonly string[];
  /** Steps allowed at once (different streams); default: what the plugin declares, else `runtime.concurrency`. */
  readonly concurrency?: number;
}

/** The `runtime:` section as written (every field optional). */
export interface RuntimeInput {
  readonly queue?: number;
  readonly overflow?: OverflowPolicy;
  readonly maxInFlightBytes?: ByteSizeInput;
  readonly concurrency?: number;
  readonly idleTimeout?: DurationInput;
  readonly shutdownTimeout?: DurationInput;
  readonly deadLetterDir?: string | null;
  /** Collect the garbage of dropped frames under overload; not set: off here, on under `framepipe run`. */
  readonly reclaimDroppedMemory?: boolean;
}

/** A pipeline config as written in a file or in code, before validation. */
export interface PipelineConfigInput {
  readonly version: 1;
  readonly sources?: Readonly<Record<string, SourceInput>>;
  readonly transforms?: Readonly<Record<string, ConnectedComponentInput>>;
  readonly sinks?: Readonly<Record<string, ConnectedComponentInput>>;
  readonly runtime?: RuntimeInput;
  readonly api?: { readonly port?: number | null | false; readonly host?: string };
  readonly log?: { readonly level?: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent" };
  /**
   * Extra plugin modules: paths relative to the config file (`./plugins/blur.ts`) or package
   * names. In code configs, plugin definitions may be listed directly.
   */
  readonly plugins?: readonly (string | AnyPluginDefinition)[];
}

/**
 * Declares a pipeline in a `.ts`/`.mjs` config file: `export default definePipeline({ … })`.
 * Returns its argument unchanged; it exists for types and editor completion.
 */
export function definePipeline<const Config extends PipelineConfigInput>(config: Config): Config {
  return config;
}
