import type { ComponentConfig, PipelineConfig } from "../config/pipeline-config.js";
import { FramepipeError } from "../errors/framepipe-error.js";
import { componentLabel } from "../plugin/component-label.js";
import { createPluginContext } from "../plugin/create-plugin-context.js";
import type { SinkInstance, SourceInstance, TransformInstance } from "../plugin/define-plugin.js";
import type { ComponentKind, PluginContext } from "../plugin/plugin-context.js";
import type { Logger } from "../services/logger.js";
import type { ServiceDeps } from "../services/service-ref.js";
import type { ComponentHealth } from "./component-health.js";
import type { PipelineMetrics } from "./pipeline-metrics.js";
import { wrapPluginError } from "./plugin-error.js";

interface ComponentBase {
  readonly config: ComponentConfig;
  /** Steps the runtime runs at once for this component (see {@link componentConcurrency}). */
  readonly concurrency: number;
  /** `kind:type#id`, as in error messages and log bindings. */
  readonly label: string;
  readonly logger: Logger;
}

/** A created source. */
export interface SourceComponent extends ComponentBase {
  readonly kind: "source";
  readonly instance: SourceInstance;
}

/** A created transform. */
export interface TransformComponent extends ComponentBase {
  readonly kind: "transform";
  readonly instance: TransformInstance;
}

/** A created sink. */
export interface SinkComponent extends ComponentBase {
  readonly kind: "sink";
  readonly instance: SinkInstance;
}

/** Any created component. */
export type RuntimeComponent = SourceComponent | TransformComponent | SinkComponent;

/** What every plugin context shares. */
export interface ComponentEnvironment {
  /** `runtime.concurrency`: the in-flight limit of a component that sets none. */
  readonly concurrency: number;
  readonly logger: Logger;
  readonly metrics: PipelineMetrics;
  readonly signal: AbortSignal;
  readonly services: Readonly<Record<string, unknown>>;
  /** Where the components' own health reports go (`/ready`, `/health`). */
  readonly health: ComponentHealth;
}

/**
 * A component's in-flight limit: what its config says (`concurrency:` beside `inputs`), else what
 * the plugin declared, else `runtime.concurrency`.
 */
export function componentConcurrency(config: ComponentConfig, fallback: number): number {
  if (config.kind === "source") return fallback;
  return config.concurrency ?? config.definition.concurrency ?? fallback;
}

function resolveServices(config: ComponentConfig, label: string, available: Readonly<Record<string, unknown>>) {
  const deps: ServiceDeps = config.definition.deps ?? {};
  const resolved: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(deps)) {
    const value = Object.hasOwn(available, ref.id) ? available[ref.id] : undefined;
    if (value === undefined && !ref.optional) {
      throw new FramepipeError({
        code: "INVALID_ARGUMENT",
        component: label,
        stage: "create",
        message:
          `plugin "${config.type}" needs the service "${ref.id}" (deps.${name}); ` +
          `pass it as createPipeline(config, { services: { "${ref.id}": … } })`,
      });
    }
    resolved[name] = value;
  }
  return Object.freeze(resolved);
}

function checkInstance(kind: ComponentKind, instance: unknown, label: string): void {
  const record = (typeof instance === "object" && instance !== null ? instance : {}) as Record<string, unknown>;
  let problem: string | null = null;
  if (kind === "source" && typeof (record.events$ as { subscribe?: unknown } | undefined)?.subscribe !== "function") {
    problem = "a source's create() must return an object with an events$ Observable";
  } else if (kind === "transform" && (typeof record.process === "function") === (typeof record.stream === "function")) {
    problem = "a transform's create() must return an object with exactly one of process() and stream()";
  } else if (kind === "sink" && typeof record.write !== "function") {
    problem = "a sink's create() must return an object with a write() function";
  } else if (
    kind === "sink" &&
    record.retryFor !== undefined &&
    !(typeof record.retryFor === "number" && Number.isFinite(record.retryFor) && record.retryFor >= 0)
  ) {
    problem = "a sink's retryFor must be a number of milliseconds, 0 or more";
  }
  if (problem)
    throw new FramepipeError({ code: "PLUGIN_INVALID", component: label, stage: "create", message: problem });
}

async function createComponent(config: ComponentConfig, environment: ComponentEnvironment): Promise<RuntimeComponent> {
  const label = componentLabel(config);
  const logger = environment.logger.child({ component: label });
  const concurrency = componentConcurrency(config, environment.concurrency);
  const context: PluginContext = createPluginContext({
    kind: config.kind,
    type: config.type,
    componentId: config.id,
    concurrency,
    logger,
    metrics: environment.metrics.forComponent(config.id),
    signal: environment.signal,
    services: resolveServices(config, label, environment.services),
    health: {
      failing: (error) => environment.health.failed({ config, label, logger }, error),
      recovered: () => environment.health.succeeded({ config, label, logger }),
    },
  });
  let instance: unknown;
  try {
    instance = await config.definition.create(config.options as never, context);
  } catch (error) {
    throw wrapPluginError(error, config.kind, label, "create");
  }
  checkInstance(config.kind, instance, label);
  return { config, label, logger, concurrency, kind: config.kind, instance } as RuntimeComponent;
}

/**
 * Creates every component in creation order (sources, transforms, sinks, each in config order).
 * If one fails, the ones already created are closed in reverse order and the error is rethrown.
 */
export async function createComponents(
  config: PipelineConfig,
  environment: ComponentEnvironment,
): Promise<RuntimeComponent[]> {
  const created: RuntimeComponent[] = [];
  try {
    for (const component of [...config.sources, ...config.transforms, ...config.sinks]) {
      if (component.definition.kind !== component.kind) {
        throw new FramepipeError({
          code: "PLUGIN_INVALID",
          component: componentLabel(component),
          stage: "create",
          message: `plugin "${component.type}" is a ${component.definition.kind}, not a ${component.kind}`,
        });
      }
      created.push(await createComponent(component, environment));
    }
  } catch (error) {
    for (const component of created.reverse()) {
      try {
        await closeComponent(component);
      } catch {
        // The creation error is the one worth reporting.
      }
    }
    throw error;
  }
  return created;
}

/** Calls a component's `close()`, or a source's `stop()` when it has no close. */
export async function closeComponent(component: RuntimeComponent): Promise<void> {
  if (component.kind === "source") await component.instance.stop?.();
  else await component.instance.close?.();
}
