/*
 * What remembering a participant costs, estimated without asking V8. Measured with 50,000
 * participants (heap used before and after, Node 20): about 540 bytes per participant with a
 * UUID recording id and a short name, plus about 250 per stream; about 1,700 with 256-character
 * recording ids and names and two streams. The estimate below is above each of these, so a
 * budget in estimated bytes holds in real ones.
 */

/** The record, its Map entries and the recency entry, without strings. */
const participantOverheadBytes = 480;
/** A stream's record, its frozen info and its Map entry, without strings. */
const streamOverheadBytes = 200;
/** V8 keeps a string in one or two bytes per UTF-16 unit; two is the bound. */
const bytesPerCharacter = 2;

/** The parts of a remembered participant whose size varies. */
export interface ParticipantFootprintParts {
  readonly recordingId: string;
  readonly name: string | null;
  readonly streams: { readonly size: number };
}

/**
 * Estimated bytes of one remembered participant. The recording id is counted once for the
 * record, once in its group key and once in each stream key, since each is a string of its own.
 */
export function participantFootprint(record: ParticipantFootprintParts): number {
  const streams = record.streams.size;
  const characters = record.recordingId.length * (2 + streams) + (record.name?.length ?? 0);
  return participantOverheadBytes + streams * streamOverheadBytes + characters * bytesPerCharacter;
}
