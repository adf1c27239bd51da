/**
 * How many participants without an open group are remembered (the next `seq` of their streams and
 * their last known name), by the runtime and by the operators alike. Past it, the least recently
 * used participant is forgotten: if it ever sends again, its streams restart at `seq` 0 and its
 * name is unknown until it sends one. Participants with an open group never count against it.
 * The directory also keeps them within a byte budget (`MAX_REMEMBERED_PARTICIPANT_BYTES`).
 *
 * Kept in a module of its own so that both users read this one value, and a test can lower it for
 * both at once.
 */
export const MAX_REMEMBERED_PARTICIPANTS = 100_000;
