import { createReadStream, type ReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { type LineItem, splitLines } from "./split-lines.js";

/** A replay file opened for reading. */
export interface ReplayInput {
  /** True when the content is gzip (recognised by its magic bytes, not its name). */
  readonly compressed: boolean;
  /** Lines, pulled on demand: nothing more is read while nobody asks for the next one. */
  readonly lines: AsyncGenerator<LineItem>;
  /** Bytes read from the file so far (compressed bytes for gzip). */
  bytesRead(): number;
  /** Stops reading at once; the line iterator then ends or throws. */
  destroy(): void;
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Opens `path` (absolute) for line-by-line reading, through gunzip when it is gzip. */
export async function openReplayFile(path: string, maxLineBytes: number): Promise<ReplayInput> {
  const compressed = await startsWithGzipMagic(path);
  const file: ReadStream = createReadStream(path);
  let readable: Readable = file;
  if (compressed) {
    const gunzip = createGunzip();
    // A read error of the file destroys gunzip with it, so the line iterator throws it.
    readable = pipeline(file, gunzip, () => {});
  }
  return {
    compressed,
    lines: splitLines(readable as AsyncIterable<Buffer>, maxLineBytes),
    bytesRead: () => file.bytesRead,
    destroy: () => {
      readable.destroy();
      file.destroy();
    },
  };
}
