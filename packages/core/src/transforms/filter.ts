import { z } from "zod";
import type { VideoFrame } from "../model/video-frame.js";
import { defineTransform } from "../plugin/define-plugin.js";

// `u`: participant names are often non-ASCII (accents, emoji); unicode mode matches them by code point.
function compileNamePattern(pattern: string, ignoreCase: boolean): RegExp {
  return new RegExp(pattern, ignoreCase ? "iu" : "u");
}

const filterOptions = z.strictObject({
  types: z
    .array(z.enum(["webcam", "screenshare"]))
    .min(1)
    .optional()
    .describe('Keep only these stream types, e.g. ["screenshare"]. Unset: every type.'),
  participantIds: z
    .array(z.int())
    .min(1)
    .optional()
    .describe("Keep only these participant ids (Recall ids, unique within a recording). Unset: every participant."),
  excludeParticipantIds: z.array(z.int()).optional().describe("Drop these participant ids (e.g. the bot's own tile)."),
  namePattern: z
    .string()
    .optional()
    .describe(
      "Keep only participants whose name matches this regular expression (JavaScript syntax, unicode mode). " +
        'A participant without a name is matched as "".',
    ),
  ignoreCase: z.boolean().default(true).describe("Match `namePattern` case-insensitively."),
  host: z
    .boolean()
    .optional()
    .describe("true: keep only the meeting host's frames; false: only non-hosts. Unset: both."),
});

/** Options of the built-in `filter` transform, as validated. */
export type FilterOptions = z.output<typeof filterOptions>;

const filterOptionsSchema = filterOptions.superRefine((options, context) => {
  if (options.namePattern === undefined) return;
  try {
    compileNamePattern(options.namePattern, options.ignoreCase);
  } catch (error) {
    context.addIssue({
      code: "custom",
      path: ["namePattern"],
      input: options.namePattern,
      message: `invalid regular expression ${JSON.stringify(options.namePattern)}: ${
        error instanceof Error ? error.message : String(error)
      }`,
    });
  }
});

/** Builds the predicate once, so per-frame work is a few comparisons. */
function createFramePredicate(options: FilterOptions): (frame: VideoFrame) => boolean {
  const types = options.types === undefined ? null : new Set<string>(options.types);
  const included = options.participantIds === undefined ? null : new Set(options.participantIds);
  const excluded = new Set(options.excludeParticipantIds ?? []);
  const namePattern =
    options.namePattern === undefined ? null : compileNamePattern(options.namePattern, options.ignoreCase);
  const host = options.host;
  return (frame) => {
    if (types !== null && !types.has(frame.type)) return false;
    const participant = frame.participant;
    if (included !== null && !included.has(participant.id)) return false;
    if (excluded.has(participant.id)) return false;
    if (host !== undefined && participant.isHost !== host) return false;
    if (namePattern !== null && !namePattern.test(participant.name ?? "")) return false;
    return true;
  };
}

/**
 * The built-in `filter` transform: keeps the frames that match every criterion given (stream
 * type, participant ids, name pattern, host flag) and drops the others, which the runtime counts
 * as filtered. Kept frames pass through as the same objects.
 *
 * @example
 * ```yaml
 * transforms:
 *   screens:
 *     type: filter
 *     inputs: [recall]
 *     types: [screenshare]
 *     namePattern: "^(alice|bob)\\b"
 * ```
 */
export const filterTransform = defineTransform({
  type: "filter",
  summary: "Keep frames by stream type, participant id, participant name pattern or host flag",
  options: filterOptionsSchema,
  create(options) {
    const matches = createFramePredicate(options);
    return { process: (frame: VideoFrame) => (matches(frame) ? frame : null) };
  },
});
