import type { Observable } from "rxjs";
import type { PipelineConfig } from "../config/pipeline-config.js";
import { describeError, FramepipeError } from "../errors/framepipe-error.js";
import type { GroupEndReason } from "../model/stream-key.js";
import type { VideoFrame } from "../model/video-frame.js";
import type { RecallEvent } from "../recall/recall-event.js";
import type { Logger } from "../services/logger.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { ComponentHealth } from "./component-health.js";
import { closeComponent, type RuntimeComponent } from "./create-components.js";
import { PipelineEngine } from "./pipeline-engine.js";
import type { PipelineMetrics } from "./pipeline-metrics.js";
import { pipelineStats } from "./pipeline-stats.js";
import type { Pipeline, PipelineState, PipelineStats, PipelineSummary, StopOptions } from "./pipeline-types.js";
import { wrapPluginError } from "./plugin-error.js";
import { RuntimeCounters } from "./runtime-counters.js";

/** What {@link PipelineController} is built from. */
export interface PipelineControllerOptions {
  readonly config: PipelineConfig;
  readonly components: readonly RuntimeComponent[];
  readonly logger: Logger;
  readonly metrics: PipelineMetrics;
  readonly clock: Clock;
  /** Aborted at a forced stop, a failure, and after a normal stop: the plugins' `context.signal`. */
  readonly abort: AbortController;
  /** The components' health (failing sinks, sources reporting failure). */
  readonly health: ComponentHealth;
}

/** The {@link Pipeline}: lifecycle (start, drain, force, fail) around a {@link PipelineEngine}. */
export class PipelineController implements Pipeline {
  readonly done: Promise<PipelineSummary>;
  readonly metrics: PipelineMetrics;
  readonly events$: Observable<RecallEvent>;
  readonly frames$: Observable<VideoFrame>;
  readonly #options: PipelineControllerOptions;
  readonly #engine: PipelineEngine;
  readonly #counters: RuntimeCounters;
  readonly #logger: Logger;
  #state: PipelineState = "created";
  #resolveDone: (summary: PipelineSummary) => void = () => {};
  #rejectDone: (error: unknown) => void = () => {};
  #startPromise: Promise<void> | null = null;
  #startedAt: number | null = null;
  readonly #started = new Set<string>();
  readonly #closed = new Set<RuntimeComponent>();
  #interrupt: () => void = () => {};
  readonly #interrupted: Promise<void>;
  #deadline: TimerHandle | null = null;
  #stopReason = "";
  #stopCalls = 0;
  #drained = false;
  #sourcesComplete = false;
  #failure: FramepipeError | null = null;

  constructor(options: PipelineControllerOptions) {
    this.#options = options;
    this.metrics = options.metrics;
    this.#logger = options.logger;
    this.#counters = new RuntimeCounters(options.metrics);
    this.done = new Promise<PipelineSummary>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    // A host that never looks at `done` must not get an unhandled rejection when the pipeline fails.
    this.done.catch(() => {});
    this.#interrupted = new Promise<void>((resolve) => {
      this.#interrupt = resolve;
    });
    this.#engine = new PipelineEngine({
      config: options.config,
      components: options.components,
      logger: options.logger,
      clock: options.clock,
      counters: this.#counters,
      metrics: options.metrics,
      signal: options.abort.signal,
      health: options.health,
      onFailure: (error) => this.#fail(error),
      onSourcesComplete: () => {
        this.#sourcesComplete = true;
        if (this.#state === "running") void this.#drain("sources completed", "source-complete");
      },
    });
    this.events$ = this.#engine.events$.asObservable();
    this.frames$ = this.#engine.frames$.asObservable();
  }

  get state(): PipelineState {
    return this.#state;
  }

  start(): Promise<void> {
    this.#startPromise ??= this.#start();
    return this.#startPromise;
  }

  stop(options: StopOptions = {}): Promise<PipelineSummary> {
    const reason = options.reason ?? "stop()";
    switch (this.#state) {
      case "created":
        return this.#stopUnstarted(reason);
      case "starting":
        return (this.#startPromise ?? Promise.resolve()).then(
          () => this.stop(options),
          () => this.stop(options),
        );
      case "running":
        this.#stopCalls += 1;
        void this.#drain(reason, "shutdown");
        return this.done;
      case "draining":
        this.#stopCalls += 1;
        // The pipeline may be draining on its own (sources completed): only a repeated stop() forces.
        if (this.#stopCalls >= 2) this.#force(`${reason} (again)`);
        return this.done;
      default:
        return this.done;
    }
  }

  stats(): PipelineStats {
    return pipelineStats(this.#state, this.#engine, this.#counters);
  }

  async #start(): Promise<void> {
    if (this.#state !== "created") {
      throw new FramepipeError({ code: "INVALID_ARGUMENT", message: `cannot start a pipeline that is ${this.#state}` });
    }
    this.#state = "starting";
    this.#startedAt = this.#options.clock.now();
    for (const component of this.#options.components) {
      if (component.kind !== "source") continue;
      if (this.#state !== "starting") break;
      try {
        await component.instance.start?.();
      } catch (error) {
        const wrapped = wrapPluginError(error, "source", component.label, "start");
        this.#counters.error(component.config.id, "start");
        this.#fail(wrapped);
        throw wrapped;
      }
      this.#started.add(component.config.id);
      this.#engine.attach(component.config.id);
    }
    if (this.#state !== "starting") {
      if (this.#failure) throw this.#failure;
      return;
    }
    this.#state = "running";
    this.#logger.info({ sources: this.#started.size }, "pipeline started");
    if (this.#sourcesComplete) void this.#drain("sources completed", "source-complete");
  }

  async #stopUnstarted(reason: string): Promise<PipelineSummary> {
    this.#state = "stopped";
    this.#stopReason = reason;
    await this.#closeAll(this.#options.components.toReversed());
    this.#finish(0);
    return this.done;
  }

  /** stop sources → drain → end groups → drain the markers → flush → close, watched by the deadline. */
  async #drain(reason: string, groupReason: GroupEndReason): Promise<void> {
    if (this.#state !== "running") return;
    const { clock, config } = this.#options;
    this.#state = "draining";
    this.#stopReason = reason;
    this.#logger.info({ reason, shutdownTimeoutMs: config.runtime.shutdownTimeout }, "pipeline draining");
    this.#deadline = clock.setTimeout(() => this.#force("shutdown timeout"), config.runtime.shutdownTimeout);
    if (!(await this.#until(this.#stopSources()))) return;
    this.#engine.detach();
    if (!(await this.#until(this.#engine.whenIdle()))) return;
    this.#engine.endAllGroups(groupReason);
    if (!(await this.#until(this.#engine.whenIdle()))) return;
    this.#drained = true;
    if (!(await this.#until(this.#flushSinks()))) return;
    if (!(await this.#until(this.#closeAll(this.#closeOrder())))) return;
    this.#finish(0);
  }

  /** Waits for `step` unless the pipeline is forced or fails first; true when it may go on. */
  async #until(step: Promise<unknown>): Promise<boolean> {
    await Promise.race([step, this.#interrupted]);
    return this.#state === "draining";
  }

  #force(reason: string): void {
    if (this.#state !== "draining") return;
    this.#logger.warn({ reason }, "forcing the pipeline to stop");
    this.#options.abort.abort(new FramepipeError({ code: "SHUTDOWN_TIMEOUT", message: `forced stop: ${reason}` }));
    const unwritten = this.#engine.abandon();
    this.#interrupt();
    // Given up: components still get close(), but nobody waits for it.
    void this.#closeAll([...this.#stopOrder(), ...this.#closeOrder()]);
    this.#finish(unwritten);
  }

  #fail(error: FramepipeError): void {
    if (this.#state === "stopped" || this.#state === "failed") return;
    this.#state = "failed";
    this.#failure = error;
    this.#stopReason = error.message;
    this.#logger.error({ component: error.component, stage: error.stage, error: error.message }, "pipeline failed");
    this.#clearDeadline();
    this.#options.abort.abort(error);
    const unwritten = this.#engine.abandon();
    this.#interrupt();
    const { clock, config } = this.#options;
    const cleanup = Promise.all([this.#stopSources(), this.#closeAll(this.#closeOrder())]);
    let timer: TimerHandle = null;
    const deadline = new Promise<void>((resolve) => {
      timer = clock.setTimeout(resolve, config.runtime.shutdownTimeout);
    });
    void Promise.race([cleanup, deadline]).then(() => {
      clock.clearTimeout(timer);
      this.#engine.flushLogs();
      this.#engine.complete();
      this.#logger.info({ ...this.#summary(unwritten) }, "pipeline summary");
      this.#rejectDone(error);
    });
  }

  #finish(unwritten: number): void {
    this.#clearDeadline();
    if (this.#state !== "failed") this.#state = "stopped";
    if (!this.#options.abort.signal.aborted) this.#options.abort.abort();
    this.#engine.flushLogs();
    this.#engine.complete();
    const summary = this.#summary(unwritten);
    this.#logger.info({ ...summary }, "pipeline stopped");
    this.#resolveDone(summary);
  }

  #summary(unwritten: number): PipelineSummary {
    const now = this.#options.clock.now();
    return {
      reason: this.#stopReason,
      received: this.#counters.totalReceived,
      written: this.#counters.writtenBySink(),
      dropped: this.#counters.droppedByReason(),
      errors: this.#counters.errors,
      unwritten,
      failures: this.#counters.failures(),
      deadLetterDirectory: this.#engine.deadLetterDirectory,
      durationMs: this.#startedAt === null ? 0 : Math.max(0, now - this.#startedAt),
      drained: this.#drained || (this.#startedAt === null && unwritten === 0),
    };
  }

  #clearDeadline(): void {
    if (this.#deadline !== null) this.#options.clock.clearTimeout(this.#deadline);
    this.#deadline = null;
  }

  /** Started sources: stopped first, all at once. */
  #stopOrder(): RuntimeComponent[] {
    return this.#options.components.filter(
      (component) => component.kind === "source" && this.#started.has(component.config.id),
    );
  }

  /** Sinks, then transforms, each in reverse creation order. */
  #closeOrder(): RuntimeComponent[] {
    return this.#options.components.filter((component) => component.kind !== "source").toReversed();
  }

  async #stopSources(): Promise<void> {
    await Promise.all(this.#stopOrder().map((component) => this.#closeOne(component)));
  }

  async #flushSinks(): Promise<void> {
    const sinks = this.#options.components.filter((component) => component.kind === "sink");
    await Promise.all(
      sinks.map(async (component) => {
        try {
          await component.instance.flush?.();
        } catch (error) {
          this.#engine.componentFailed(component.config.id, error, "flush", true);
        }
      }),
    );
  }

  async #closeAll(components: readonly RuntimeComponent[]): Promise<void> {
    for (const component of components) await this.#closeOne(component);
  }

  async #closeOne(component: RuntimeComponent): Promise<void> {
    if (this.#closed.has(component)) return;
    this.#closed.add(component);
    try {
      await closeComponent(component);
    } catch (error) {
      this.#engine.componentFailed(component.config.id, error, "close", false);
      this.#logger.debug({ component: component.label, error: describeError(error) }, "close failed");
    }
  }
}
