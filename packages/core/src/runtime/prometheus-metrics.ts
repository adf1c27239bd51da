import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { type ErrorStage, FramepipeError } from "../errors/framepipe-error.js";
import type { ParticipantDirectoryStats } from "../participants/participant-directory.js";
import type { ComponentMetrics, CounterHandle, GaugeHandle, HistogramHandle } from "../services/metrics.js";
import { BufferedCounter, BufferedHistogram } from "./buffered-metrics.js";
import type { DropReason, PipelineMetrics } from "./pipeline-metrics.js";

/** Every metric name framepipe registers starts with this. */
export const METRIC_PREFIX = "framepipe_";

/** Buckets of `framepipe_frame_latency_seconds`: 5 ms to 30 s, frames arrive at 2 fps per stream. */
export const LATENCY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Options for {@link PrometheusPipelineMetrics}. */
export interface PrometheusPipelineMetricsOptions {
  /** Registry to register into; default a new one per pipeline (never prom-client's global one). */
  readonly registry?: Registry;
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

/**
 * {@link PipelineMetrics} on prom-client. Series (all labelled by `component`, a component id):
 * `framepipe_frames_received_total`, `framepipe_frames_sent_total`,
 * `framepipe_frames_dropped_total{reason}`, `framepipe_errors_total{stage}`,
 * `framepipe_frame_latency_seconds` (histogram, receive → sink write done); and unlabelled gauges
 * `framepipe_queue_depth`, `framepipe_in_flight_bytes`, `framepipe_active_groups`,
 * `framepipe_participants_remembered`, `framepipe_participants_remembered_bytes` and the counter
 * `framepipe_participants_forgotten_total{reason="count"|"bytes"}`. Plugins add their
 * own through {@link PrometheusPipelineMetrics.forComponent}. Serve {@link registry} over HTTP.
 * Counters, gauges and the latency histogram are kept in plain numbers and reach prom-client when
 * the registry is read: the runtime reports several times per frame.
 */
export class PrometheusPipelineMetrics implements PipelineMetrics {
  /** The registry holding every series of this pipeline. */
  readonly registry: Registry;
  readonly #received: BufferedCounter;
  readonly #sent: BufferedCounter;
  readonly #dropped: BufferedCounter;
  readonly #errors: BufferedCounter;
  readonly #latency: BufferedHistogram;
  readonly #gaugeValues = { queueDepth: 0, inFlightBytes: 0, activeGroups: 0 };
  #readParticipants: () => ParticipantDirectoryStats | null = () => null;
  readonly #componentMetrics = new Map<string, ComponentMetrics>();
  readonly #labelNamesByMetric = new Map<string, string>();

  constructor(options: PrometheusPipelineMetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    const registry = this.registry;
    this.#received = new BufferedCounter(
      registry,
      `${METRIC_PREFIX}frames_received_total`,
      "Frames a source ingested or a transform or sink received from upstream.",
      "component",
    );
    this.#sent = new BufferedCounter(
      registry,
      `${METRIC_PREFIX}frames_sent_total`,
      "Frames a transform emitted or a sink finished writing.",
      "component",
    );
    this.#dropped = new BufferedCounter(
      registry,
      `${METRIC_PREFIX}frames_dropped_total`,
      "Frames dropped, by component and reason.",
      "component",
      "reason",
    );
    this.#errors = new BufferedCounter(
      registry,
      `${METRIC_PREFIX}errors_total`,
      "Errors, by component and stage.",
      "component",
      "stage",
    );
    this.#latency = new BufferedHistogram(
      registry,
      `${METRIC_PREFIX}frame_latency_seconds`,
      "Seconds from receiving a frame to a sink finishing its write.",
      "component",
      LATENCY_BUCKETS,
    );
    const values = this.#gaugeValues;
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name: `${METRIC_PREFIX}${name}`,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    gauge("queue_depth", "Frames accepted and not yet written or dropped.", () => values.queueDepth);
    gauge(
      "in_flight_bytes",
      "Bytes of the frames accepted and not yet written or dropped.",
      () => values.inFlightBytes,
    );
    gauge("active_groups", "Participant groups currently open.", () => values.activeGroups);
    this.#registerParticipantMetrics(gauge);
  }

  frameReceived(component: string): void {
    this.#received.inc(component);
  }

  frameSent(component: string): void {
    this.#sent.inc(component);
  }

  frameDropped(component: string, reason: DropReason): void {
    this.#dropped.incPair(component, reason);
  }

  error(component: string, stage: ErrorStage): void {
    this.#errors.incPair(component, stage);
  }

  latency(component: string, seconds: number): void {
    this.#latency.observe(component, seconds);
  }

  queueDepth(value: number): void {
    this.#gaugeValues.queueDepth = value;
  }

  inFlightBytes(value: number): void {
    this.#gaugeValues.inFlightBytes = value;
  }

  activeGroups(value: number): void {
    this.#gaugeValues.activeGroups = value;
  }

  observeParticipants(read: () => ParticipantDirectoryStats): void {
    this.#readParticipants = read;
  }

  #registerParticipantMetrics(gauge: (name: string, help: string, read: () => number) => Gauge<string>): void {
    const read = () => this.#readParticipants();
    gauge(
      "participants_remembered",
      "Participants remembered (seq counters, last known name), with an open group or not.",
      () => read()?.remembered ?? 0,
    );
    gauge("participants_remembered_bytes", "Estimated bytes of the participants remembered.", () => read()?.bytes ?? 0);
    // A counter whose total lives in the directory: each collection adds what is new since the last.
    const reported = { count: 0, bytes: 0 };
    new Counter({
      name: `${METRIC_PREFIX}participants_forgotten_total`,
      help: "Participants without an open group forgotten to stay within the count limit or the byte budget.",
      labelNames: ["reason"],
      registers: [this.registry],
      collect() {
        const stats = read();
        if (stats === null) return;
        this.inc({ reason: "count" }, stats.forgottenOverCount - reported.count);
        this.inc({ reason: "bytes" }, stats.forgottenOverBytes - reported.bytes);
        reported.count = stats.forgottenOverCount;
        reported.bytes = stats.forgottenOverBytes;
      },
    });
  }

  forComponent(id: string): ComponentMetrics {
    let metrics = this.#componentMetrics.get(id);
    if (!metrics) {
      metrics = this.#createComponentMetrics(id);
      this.#componentMetrics.set(id, metrics);
    }
    return metrics;
  }

  #createComponentMetrics(component: string): ComponentMetrics {
    return {
      counter: (name, help, labelNames = []): CounterHandle => {
        const counter = this.#metric(name, labelNames, "counter", (options) => new Counter({ ...options, help }));
        return { inc: (labels, value) => counter.inc({ ...labels, component }, value ?? 1) };
      },
      gauge: (name, help, labelNames = []): GaugeHandle => {
        const gauge = this.#metric(name, labelNames, "gauge", (options) => new Gauge({ ...options, help }));
        return {
          set: (value, labels) => gauge.set({ ...labels, component }, value),
          inc: (labels, value) => gauge.inc({ ...labels, component }, value ?? 1),
          dec: (labels, value) => gauge.dec({ ...labels, component }, value ?? 1),
        };
      },
      histogram: (name, help, labelNames = [], buckets): HistogramHandle => {
        const histogram = this.#metric(
          name,
          labelNames,
          "histogram",
          (options) => new Histogram({ ...options, help, ...(buckets ? { buckets: [...buckets] } : {}) }),
        );
        return { observe: (value, labels) => histogram.observe({ ...labels, component }, value) };
      },
    };
  }

  /**
   * Two components of the same plugin type declare the same metric: the second one reuses the
   * series family, told apart by the `component` label.
   */
  #metric<T extends AnyMetric>(
    name: string,
    labelNames: readonly string[],
    type: "counter" | "gauge" | "histogram",
    create: (options: { name: string; labelNames: string[]; registers: Registry[] }) => T,
  ): T {
    const fullName = name.startsWith(METRIC_PREFIX) ? name : METRIC_PREFIX + name;
    const names = ["component", ...labelNames.filter((label) => label !== "component")];
    const signature = `${type}:${names.join(",")}`;
    const existing = this.registry.getSingleMetric(fullName);
    if (existing) {
      if (this.#labelNamesByMetric.get(fullName) !== signature) {
        throw new FramepipeError({
          code: "INVALID_ARGUMENT",
          message: `metric ${fullName} is already registered with another type or other labels`,
        });
      }
      return existing as T;
    }
    let metric: T;
    try {
      metric = create({ name: fullName, labelNames: names, registers: [this.registry] });
    } catch (error) {
      throw new FramepipeError({
        code: "INVALID_ARGUMENT",
        message: `cannot register metric ${fullName}: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      });
    }
    this.#labelNamesByMetric.set(fullName, signature);
    return metric;
  }
}
