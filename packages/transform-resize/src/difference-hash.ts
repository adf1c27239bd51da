/** Width of the thumbnail a difference hash is computed on: 9 columns give 8 comparisons per row. */
export const differenceHashWidth = 9;
/** Height of the thumbnail a difference hash is computed on. */
export const differenceHashHeight = 8;

/**
 * The 64-bit difference hash (dHash) of a 9×8 grayscale thumbnail: bit `y*8+x` is set when pixel
 * `(x, y)` is brighter than its right neighbour. Similar images get hashes a few bits apart.
 *
 * `pixels` is row-major with `channels` values per pixel; only the first channel is read, so a
 * grey+alpha thumbnail works too.
 */
export function differenceHash(pixels: ArrayLike<number>, channels = 1): bigint {
  const expected = differenceHashWidth * differenceHashHeight * channels;
  if (pixels.length < expected) {
    throw new RangeError(
      `differenceHash needs ${expected} values (9×8 pixels × ${channels} channels), got ${pixels.length}`,
    );
  }
  let hash = 0n;
  for (let y = 0; y < differenceHashHeight; y++) {
    for (let x = 0; x < differenceHashWidth - 1; x++) {
      const left = pixels[(y * differenceHashWidth + x) * channels] ?? 0;
      const right = pixels[(y * differenceHashWidth + x + 1) * channels] ?? 0;
      hash = (hash << 1n) | (left > right ? 1n : 0n);
    }
  }
  return hash;
}

/** Number of bits in which two 64-bit hashes differ. */
export function hammingDistance(first: bigint, second: bigint): number {
  let difference = first ^ second;
  let count = 0;
  while (difference !== 0n) {
    difference &= difference - 1n;
    count++;
  }
  return count;
}
