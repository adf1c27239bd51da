/**
 * `@framepipe/source-websocket`: the `websocket` source, the server Recall.ai's realtime endpoint
 * connects to. The default export is the plugin definition.
 * @packageDocumentation
 */

import { websocketSource } from "./websocket-source.js";

export { botLimitCloseCode, idleCloseCode } from "./connection-limits.js";
export { rejectionStatus } from "./handshake-rejection.js";
export {
  decodeLegacyFrame,
  type LegacyHandshake,
  type LegacyStream,
  legacyHeaderBytes,
  parseLegacyHandshake,
} from "./legacy-binary-protocol.js";
export { maxRememberedSignatures } from "./signature-replay-cache.js";
export type { EvictionReason, MessageOutcome, WebsocketSourceStats } from "./source-metrics.js";
export {
  type AuthenticationResult,
  type AuthenticationSettings,
  authenticateUpgrade,
  computeSignature,
  type RejectionReason,
  type SignatureCheck,
  verifySignature,
} from "./upgrade-auth.js";
export { closeTimeoutMs, type WebsocketSourceAddress } from "./websocket-receiver.js";
export {
  type CreateWebsocketSourceSettings,
  createWebsocketSource,
  httpServerService,
  type WebsocketSourceInstance,
  websocketSource,
} from "./websocket-source.js";
export {
  defaultMaxConnections,
  defaultMaxPayload,
  type WebsocketSourceOptions,
  type WebsocketSourceOptionsInput,
  websocketSourceOptionsSchema,
} from "./websocket-source-options.js";

export default websocketSource;
