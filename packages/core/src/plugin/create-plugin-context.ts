import { DEFAULT_CONCURRENCY } from "../config/section-schemas.js";
import { createSilentLogger, type Logger } from "../services/logger.js";
import { type ComponentMetrics, createNoopMetrics } from "../services/metrics.js";
import type { ResolvedServices, ServiceDeps } from "../services/service-ref.js";
import { componentLabel } from "./component-label.js";
import type { ComponentHealthReport, ComponentKind, PluginContext } from "./plugin-context.js";
import { createPluginErrorFactory } from "./plugin-error-factory.js";

/** What {@link createPluginContext} builds a context from. */
export interface PluginContextSettings<Deps extends ServiceDeps = ServiceDeps> {
  readonly kind: ComponentKind;
  /** The plugin's `type` (`fs`), for the label. */
  readonly type: string;
  /** The component id (`disk`). */
  readonly componentId: string;
  /** Steps the runtime runs at once for this component. Default {@link DEFAULT_CONCURRENCY}. */
  readonly concurrency?: number | undefined;
  /** Default: a logger that discards everything. */
  readonly logger?: Logger | undefined;
  /** Default: metrics that record nothing. */
  readonly metrics?: ComponentMetrics | undefined;
  /** Default: a signal that never aborts. */
  readonly signal?: AbortSignal | undefined;
  /** Values of the plugin's declared `deps`. Default: none. */
  readonly services?: ResolvedServices<Deps> | undefined;
  /** Where health reports go. Default: nowhere. */
  readonly health?: ComponentHealthReport | undefined;
}

const unwatchedHealth: ComponentHealthReport = { failing: () => {}, recovered: () => {} };

/**
 * A {@link PluginContext} with its `label` and `error` filled in. The runtime builds each
 * component's context with it; a plugin's own factory (`createWebsocketSource(options)`) or a
 * test uses it to run a plugin outside a pipeline, where logger and metrics default to silent.
 */
export function createPluginContext<Deps extends ServiceDeps = ServiceDeps>(
  settings: PluginContextSettings<Deps>,
): PluginContext<Deps> {
  const label = componentLabel({ kind: settings.kind, type: settings.type, id: settings.componentId });
  return {
    componentId: settings.componentId,
    kind: settings.kind,
    label,
    error: createPluginErrorFactory(settings.kind, label),
    concurrency: settings.concurrency ?? DEFAULT_CONCURRENCY,
    logger: settings.logger ?? createSilentLogger(),
    metrics: settings.metrics ?? createNoopMetrics(),
    signal: settings.signal ?? new AbortController().signal,
    services: settings.services ?? ({} as ResolvedServices<Deps>),
    health: settings.health ?? unwatchedHealth,
  };
}
