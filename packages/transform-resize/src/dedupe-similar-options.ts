import { z } from "zod";

/**
 * `tolerance` when none is set: the low end of the 4-8 bits that absorb re-encoding noise. Noise
 * and small real changes overlap in that range, and lower is the safer side: a duplicate sent on
 * costs one extra frame downstream, while a change skipped is lost.
 */
export const defaultSimilarityTolerance = 4;

/** Options of the `dedupe-similar` transform: the zod schema configs are validated with. */
export const dedupeSimilarOptionsSchema = z.strictObject({
  tolerance: z
    .int()
    .min(0)
    .max(64)
    .default(defaultSimilarityTolerance)
    .describe(
      "Skip an image whose 64-bit difference hash (of a 9×8 grayscale thumbnail) is at most this many bits " +
        "from the last kept one's. 0: only images that look the same at that size. Compression noise and small " +
        "real changes (a cursor, a scrolled line) both move the hash by a few bits, so 4-8 skips both.",
    ),
  maxSkip: z
    .int()
    .positive()
    .optional()
    .describe(
      "Skip at most this many frames in a row: the next one is kept even if similar, so downstream sees the " +
        "stream is alive. Unset: no limit.",
    ),
});

/** Options of the `dedupe-similar` transform, as validated (defaults applied). */
export type DedupeSimilarOptions = z.output<typeof dedupeSimilarOptionsSchema>;

/** Options of the `dedupe-similar` transform, as written in a config. */
export type DedupeSimilarOptionsInput = z.input<typeof dedupeSimilarOptionsSchema>;
