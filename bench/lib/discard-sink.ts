/**
 * A plugin module for `framepipe run` configs of benchmarks: the sink `discard` acknowledges every
 * frame at once and keeps nothing, so a pipeline's CPU per frame is its source's and the
 * runtime's. (`null-sink.ts` is the same for pipelines built in code, with counters; a
 * `framepipe run` process counts through its `/metrics` instead.) Configs list the compiled file,
 * `bench/dist/lib/discard-sink.js`, under `plugins:`.
 */
import { defineSink } from "@framepipe/core";
import { z } from "zod";

/** The `discard` sink: takes no options, writes nothing. */
export const discardSink = defineSink({
  type: "discard",
  summary: "bench: acknowledges every frame and keeps nothing",
  options: z.strictObject({}),
  create: () => ({
    write: async () => {},
  }),
});

export default discardSink;
