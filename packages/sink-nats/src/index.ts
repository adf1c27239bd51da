/**
 * `@framepipe/sink-nats`: a framepipe sink that publishes frames to NATS JetStream, so worker
 * nodes (the `nats` source) process them: framepipe's scale-out.
 * @packageDocumentation
 */

import natsSink from "./nats-sink.js";

export {
  type DecodedMessage,
  decodeMessage,
  FrameMessageError,
  frameHeaders,
  frameMessageId,
  GROUP_END_TOKEN,
  groupEndHeaders,
  groupSubject,
  Header,
  type MessageKind,
  partitionFilter,
  partitionOf,
  type SubjectScheme,
  streamEndHeaders,
  streamSubject,
  WIRE_VERSION,
} from "./frame-message.js";
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_RETRY_FOR,
  DEFAULT_STREAM,
  DEFAULT_SUBJECT_PREFIX,
  type NatsSinkOptions,
  type NatsSinkOptionsInput,
  natsCredentialFields,
  natsServersSchema,
  natsSinkOptions,
} from "./nats-sink-options.js";
export { natsConnectionOptions } from "./open-nats-sink.js";
export { SUBJECT_TOKEN_MAX_LENGTH, toSubjectToken } from "./subject-token.js";

export default natsSink;
