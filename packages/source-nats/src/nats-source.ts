import { defineSource } from "@framepipe/core/plugin";
import { natsSourceOptions } from "./nats-source-options.js";

/**
 * The `nats` source: a worker node's input. Pulls the frames the `nats` sink published from a
 * durable JetStream consumer and acknowledges each once every sink finished it.
 */
const natsSource = defineSource({
  type: "nats",
  summary:
    "Consumes frames from NATS JetStream (durable pull consumer, ack after the sinks) on worker nodes: scale-out.",
  options: natsSourceOptions,
  async create(options, context) {
    const { openNatsSource } = await import("./open-nats-source.js");
    return openNatsSource(options, context);
  },
});

export default natsSource;
