export {
  assignSequence,
  DEFAULT_MAX_STREAMS,
  SequenceCounter,
  type SequenceCounterOptions,
} from "./assign-sequence.js";
export {
  DEFAULT_IDLE_TIMEOUT_MS,
  type GroupByParticipantOptions,
  groupByParticipant,
} from "./group-by-participant.js";
export {
  type ParseRecallMessagesOptions,
  parseRecallMessages,
  parseRecallResults,
} from "./parse-recall-messages.js";
export type { ParticipantGroup } from "./participant-group.js";
