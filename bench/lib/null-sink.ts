import { defineSink, type PluginDefinition, type VideoFrame } from "@framepipe/core";
import { z } from "zod";

const nullOptions = z.strictObject({});

/** A sink that counts frames and their bytes and keeps nothing. */
export interface NullSink {
  readonly definition: PluginDefinition<"sink", typeof nullOptions, Record<never, never>>;
  readonly written: number;
  readonly bytes: number;
  /** Resolves once `count` frames (in total, since the last reset) were written. */
  reached(count: number): Promise<void>;
  reset(): void;
}

/** Creates a `null` sink definition whose instances all count into the returned object. */
export function createNullSink(): NullSink {
  let written = 0;
  let bytes = 0;
  let target = Number.POSITIVE_INFINITY;
  let wake: (() => void) | null = null;
  const definition = defineSink({
    type: "null",
    summary: "bench: counts frames, keeps nothing",
    options: nullOptions,
    create: () => ({
      write: async (frame: VideoFrame) => {
        written += 1;
        bytes += frame.image.data.length;
        if (written >= target && wake) {
          const resolve = wake;
          wake = null;
          resolve();
        }
      },
    }),
  });
  return {
    definition,
    get written() {
      return written;
    },
    get bytes() {
      return bytes;
    },
    reached(count: number) {
      if (written >= count) return Promise.resolve();
      target = count;
      return new Promise<void>((resolve) => {
        wake = resolve;
      });
    },
    reset() {
      written = 0;
      bytes = 0;
      target = Number.POSITIVE_INFINITY;
      wake = null;
    },
  };
}
