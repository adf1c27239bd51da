import { defineSink } from "@framepipe/core/plugin";
import { DEFAULT_CONCURRENCY, natsSinkOptions } from "./nats-sink-options.js";

/**
 * The `nats` sink: publishes every frame to NATS JetStream (image bytes as the body, the frame's
 * fields as headers), for worker nodes to consume with the `nats` source. A write completes when
 * JetStream acknowledged it.
 */
const natsSink = defineSink({
  type: "nats",
  summary: "Publishes frames to NATS JetStream (image as body, fields as headers) for worker nodes: scale-out.",
  options: natsSinkOptions,
  // Each publish waits one round trip for its ack: many streams in flight keep the link busy.
  concurrency: DEFAULT_CONCURRENCY,
  async create(options, context) {
    const { openNatsSink } = await import("./open-nats-sink.js");
    return openNatsSink(options, context);
  },
});

export default natsSink;
