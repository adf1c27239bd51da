import type { Logger } from "../services/logger.js";
import type { ComponentMetrics } from "../services/metrics.js";
import type { ResolvedServices, ServiceDeps } from "../services/service-ref.js";
import type { PluginErrorFactory } from "./plugin-error-factory.js";

/** The three component kinds of a pipeline. */
export type ComponentKind = "source" | "transform" | "sink";

/**
 * A component's own word on its health, for what the runtime cannot see: a source cut off from
 * its upstream (a NATS server away) calls `failing(error)`, and `recovered()` once it is back.
 * Meanwhile `/ready` answers 503 and `/health` names the component, as for a sink whose writes
 * fail (sinks need not call it: failed writes report themselves). Repeated calls are harmless.
 */
export interface ComponentHealthReport {
  failing(error: unknown): void;
  recovered(): void;
}

/** What a plugin's `create` receives besides its validated options. */
export interface PluginContext<Deps extends ServiceDeps = ServiceDeps> {
  /** The component id from the config (`recall`, `thumbs`, …). */
  readonly componentId: string;
  readonly kind: ComponentKind;
  /** `kind:type#id` (`sink:fs#disk`), as the runtime names the component in logs and errors. */
  readonly label: string;
  /**
   * Builds a `FramepipeError` tagged with this component (its label, and the kind's failure code
   * unless another is given): `throw context.error("the sink is closed", { stage: "write" })`.
   */
  readonly error: PluginErrorFactory;
  /**
   * Transforms and sinks: how many of this component's steps (each for a different stream) the
   * runtime runs at once: `concurrency:` in the config, else the plugin's declared `concurrency`,
   * else `runtime.concurrency`. Size internal pools by it (an upload pool, a connection pool).
   */
  readonly concurrency: number;
  /** A child logger bound to this component. */
  readonly logger: Logger;
  /** Metric factory: names prefixed `framepipe_`, series labelled by component. */
  readonly metrics: ComponentMetrics;
  /** Aborted when the pipeline stops; pass it to I/O that should give up then. */
  readonly signal: AbortSignal;
  /** Resolved values of the plugin's declared `deps`. */
  readonly services: ResolvedServices<Deps>;
  /** Reports this component failing or recovered (see {@link ComponentHealthReport}). */
  readonly health: ComponentHealthReport;
}
