export { type BadMessageKind, badMessageKinds, badMessageText } from "./bad-messages.js";
export type { BotConnectionEvent, RejectedHandshake } from "./bot-connection.js";
export { type EndpointUrl, endpointUrl, redactUrl } from "./endpoint-url.js";
export { createFakeRecallBot } from "./fake-recall-bot.js";
export type {
  BotOutcome,
  BotReport,
  FakeRecallBot,
  FakeRecallBotEvent,
  FakeRecallBotOptions,
  FakeRecallBotReport,
  FrameImageRequest,
  SimulatedBotIdentity,
} from "./fake-recall-bot-types.js";
export {
  type RecallTestReceiver,
  type RecallTestReceiverOptions,
  type ReceivedRecallMessage,
  startRecallTestReceiver,
} from "./recall-test-receiver.js";
export { type SignatureHeaderStyle, type SignUpgradeOptions, signUpgradeHeaders } from "./webhook-signing.js";
