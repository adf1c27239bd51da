import {
  type ComponentKind,
  type ComponentMetrics,
  createPluginContext,
  type Logger,
  type PluginContext,
  type ResolvedServices,
  type ServiceDeps,
} from "@framepipe/core";

/** Options of {@link createTestContext}. */
export interface TestContextOptions<Deps extends ServiceDeps> {
  /** Default `test`. */
  readonly componentId?: string;
  /** Default `sink`. */
  readonly kind?: ComponentKind;
  /** The plugin's type, for `context.label` (`sink:fs#disk`). Default `test`. */
  readonly type?: string;
  /** Steps the runtime would run at once (`context.concurrency`). Default 8, like `runtime.concurrency`. */
  readonly concurrency?: number;
  /** Default: a silent logger. */
  readonly logger?: Logger;
  /** Default: metrics that record nothing. */
  readonly metrics?: ComponentMetrics;
  /** Default: a signal that never aborts. */
  readonly signal?: AbortSignal;
  /** Values for the plugin's declared `deps`, e.g. a fake S3 client. */
  readonly services?: ResolvedServices<Deps>;
}

/**
 * A {@link PluginContext} for calling a plugin's `create(options, context)` outside a pipeline:
 * silent logger, no-op metrics, the services you pass, and `label`/`error` as the runtime would
 * give them (`sink:test#test` unless `kind`, `type` and `componentId` say otherwise).
 */
export function createTestContext<Deps extends ServiceDeps = Record<never, never>>(
  options: TestContextOptions<Deps> = {},
): PluginContext<Deps> {
  return createPluginContext({
    ...options,
    kind: options.kind ?? "sink",
    type: options.type ?? "test",
    componentId: options.componentId ?? "test",
  });
}
