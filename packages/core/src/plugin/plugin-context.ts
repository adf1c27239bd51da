import type { Logger } from "../services/logger.js";
import type { ComponentMetrics } from "../services/metrics.js";
import type { ResolvedServices, ServiceDeps } from "../services/service-ref.js";

/** The three component kinds of a pipeline. */
export type ComponentKind = "source" | "transform" | "sink";

/** What a plugin's `create` receives besides its validated options. */
export interface PluginContext<Deps extends ServiceDeps = ServiceDeps> {
  /** The component id from the config (`recall`, `thumbs`, …). */
  readonly componentId: string;
  readonly kind: ComponentKind;
  /** A child logger bound to this component. */
  readonly logger: Logger;
  /** Metric factory: names prefixed `framepipe_`, series labelled by component. */
  readonly metrics: ComponentMetrics;
  /** Aborted when the pipeline stops; pass it to I/O that should give up then. */
  readonly signal: AbortSignal;
  /** Resolved values of the plugin's declared `deps`. */
  readonly services: ResolvedServices<Deps>;
}
