import { filter, map, type OperatorFunction, tap } from "rxjs";
import { parseRecallMessage } from "../recall/parse-recall-message.js";
import type { ParseOptions, ParseProblem, ParseResult, RecallEvent } from "../recall/recall-event.js";

/** Options for {@link parseRecallMessages}. */
export interface ParseRecallMessagesOptions extends ParseOptions {
  /**
   * Called with every message that could not be parsed (count it, log it). Problems are dropped
   * when absent. If this callback throws, the error reaches the stream like any operator callback.
   */
  readonly onProblem?: (problem: ParseProblem) => void;
}

/**
 * Parses raw Recall websocket messages (text, or bytes such as a `Buffer`) into typed
 * {@link RecallEvent}s. Bad input never errors the stream: each message that cannot be parsed is
 * reported to `onProblem` and skipped. Unknown event names are events (`kind: "unknown"`), not problems.
 *
 * Leave `receivedAt` unset for live streams: each event is then stamped when it is parsed. A set
 * value stamps every event with the same time (useful in tests).
 *
 * @example
 * messages$.pipe(parseRecallMessages({ onProblem: (problem) => log.warn(problem.message) }), groupByParticipant())
 */
export function parseRecallMessages(
  options: ParseRecallMessagesOptions = {},
): OperatorFunction<string | Uint8Array, RecallEvent> {
  const { onProblem, ...parseOptions } = options;
  return (source) =>
    source.pipe(
      parseRecallResults(parseOptions),
      tap((result) => {
        if (!result.ok) onProblem?.(result.problem);
      }),
      filter((result): result is Extract<ParseResult, { ok: true }> => result.ok),
      map((result) => result.event),
    );
}

/**
 * Parses raw Recall websocket messages into {@link ParseResult}s, problems inline, for code that
 * wants to handle them in the stream. Never errors the stream on bad input.
 */
export function parseRecallResults(options: ParseOptions = {}): OperatorFunction<string | Uint8Array, ParseResult> {
  return map((raw) => parseRecallMessage(raw, options));
}
