/**
 * `@framepipe/source-nats`: a framepipe source that consumes the frames the `nats` sink published
 * to NATS JetStream, on worker nodes: framepipe's scale-out.
 * @packageDocumentation
 */

import natsSource from "./nats-source.js";

export { DEFAULT_DURABLE, type NatsSourceOptions, natsSourceOptions } from "./nats-source-options.js";

export default natsSource;
