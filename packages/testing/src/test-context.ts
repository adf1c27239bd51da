import {
  type ComponentKind,
  type ComponentMetrics,
  createNoopMetrics,
  createSilentLogger,
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
 * silent logger, no-op metrics, and the services you pass.
 */
export function createTestContext<Deps extends ServiceDeps = Record<never, never>>(
  options: TestContextOptions<Deps> = {},
): PluginContext<Deps> {
  return {
    componentId: options.componentId ?? "test",
    kind: options.kind ?? "sink",
    logger: options.logger ?? createSilentLogger(),
    metrics: options.metrics ?? createNoopMetrics(),
    signal: options.signal ?? new AbortController().signal,
    services: options.services ?? ({} as ResolvedServices<Deps>),
  };
}
