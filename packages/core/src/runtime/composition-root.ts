// tsyringe refuses to load without a Reflect metadata polyfill, even though framepipe never reads
// decorator metadata (see docs/decisions/0003-dependency-injection-scope.md).
import "reflect-metadata";
import { type DependencyContainer, instanceCachingFactory, container as rootContainer } from "tsyringe";
import type { PipelineConfig } from "../config/pipeline-config.js";
import { createSilentLogger, type Logger } from "../services/logger.js";
import { type Clock, systemClock } from "./clock.js";
import type { PipelineMetrics } from "./pipeline-metrics.js";
import { PrometheusPipelineMetrics } from "./prometheus-metrics.js";
import { coreServices } from "./service-tokens.js";

/** What the composition root needs from the host. */
export interface CompositionOptions {
  /** Plain values keyed by service id (`logger`, `metrics`, `clock`, plugin `deps` ids). */
  readonly services?: Readonly<Record<string, unknown>>;
  /** The host's own tsyringe container: its registrations are visible, ours stay in a child. */
  readonly container?: DependencyContainer;
}

/** The resolved services of one pipeline and a way to release what core created for it. */
export interface CompositionRoot {
  readonly logger: Logger;
  readonly metrics: PipelineMetrics;
  readonly clock: Clock;
  /** Values for every service id the config's plugins declare, where one is available. */
  readonly pluginServices: Readonly<Record<string, unknown>>;
  /** Disposes the child container (and so only what core registered in it). */
  dispose(): Promise<void>;
}

/**
 * The one place framepipe uses tsyringe: a child container per pipeline, plain values registered
 * with `useValue`, defaults with cached factories, nothing on the global container. Plugins never
 * see the container; they receive the resolved values of their declared `deps`.
 */
export function createCompositionRoot(config: PipelineConfig, options: CompositionOptions): CompositionRoot {
  const child = (options.container ?? rootContainer).createChildContainer();
  for (const [id, value] of Object.entries(options.services ?? {})) {
    if (value !== undefined) child.register(id, { useValue: value });
  }
  registerDefault<Logger>(child, coreServices.logger.id, () => createSilentLogger());
  registerDefault<PipelineMetrics>(child, coreServices.metrics.id, () => new PrometheusPipelineMetrics());
  registerDefault<Clock>(child, coreServices.clock.id, () => systemClock);

  const pluginServices: Record<string, unknown> = {};
  for (const component of [...config.sources, ...config.transforms, ...config.sinks]) {
    for (const reference of Object.values(component.definition.deps)) {
      if (reference.id in pluginServices) continue;
      if (child.isRegistered(reference.id, true)) pluginServices[reference.id] = child.resolve(reference.id);
    }
  }
  return {
    logger: child.resolve<Logger>(coreServices.logger.id),
    metrics: child.resolve<PipelineMetrics>(coreServices.metrics.id),
    clock: child.resolve<Clock>(coreServices.clock.id),
    pluginServices,
    dispose: async () => {
      await child.dispose();
    },
  };
}

function registerDefault<T>(container: DependencyContainer, id: string, create: () => T): void {
  // `true`: a registration anywhere up the chain (the host's container) wins over our default.
  if (!container.isRegistered(id, true)) {
    container.register<T>(id, { useFactory: instanceCachingFactory<T>(create) });
  }
}
