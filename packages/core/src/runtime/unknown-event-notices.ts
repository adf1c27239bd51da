import { closestMatch } from "../config/did-you-mean.js";
import { participantActions } from "../recall/parse-recall-message.js";
import { recallMessageSchemas } from "../recall/recall-schemas.js";
import type { Logger } from "../services/logger.js";

/** Every event name Recall sends, with the participant event wildcard spelled out. */
const knownEventNames: readonly string[] = [
  ...Object.keys(recallMessageSchemas).filter((name) => !name.endsWith(".*")),
  ...[...participantActions].map((action) => `participant_events.${action}`),
];

/** Distinct unknown event names remembered per source; more are not logged (hostile input stays bounded). */
const maximumNamesPerSource = 32;

/**
 * Logs an event name framepipe does not know, once per name and source, with the likely intended
 * name when it is close to a real one (`participant_event.join` → `participant_events.join`).
 * Such events are never errors: Recall adds event types, and they still reach `events$` and
 * `stats().events.unknown`. But a misspelt name in the bot's `realtime_endpoints` config means
 * the events the user asked for never come, and this warning is where they learn why.
 */
export class UnknownEventNotices {
  readonly #seen = new Map<string, Set<string>>();

  /** Logs `event` through `logger` unless this source already reported it (or too many names). */
  notice(sourceId: string, event: string, logger: Logger): void {
    let names = this.#seen.get(sourceId);
    if (!names) {
      names = new Set();
      this.#seen.set(sourceId, names);
    }
    if (names.has(event) || names.size >= maximumNamesPerSource) return;
    names.add(event);
    const suggestion = closestMatch(event, knownEventNames);
    logger.warn(
      { event: event.slice(0, 200), ...(suggestion === undefined ? {} : { didYouMean: suggestion }) },
      suggestion === undefined
        ? "unknown Recall event: passed to events$ and counted in stats().events.unknown (logged once per name)"
        : `unknown Recall event; did you mean ${suggestion}? Check the events listed in the bot's realtime_endpoints (logged once per name)`,
    );
  }
}
