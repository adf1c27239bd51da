import {
  defineSource,
  freezeFrame,
  type IncomingFrame,
  type PluginDefinition,
  type RecallEvent,
  type VideoFrame,
  type VideoFrameEvent,
} from "@framepipe/core";
import { Observable, type Subscriber } from "rxjs";
import { z } from "zod";

/** Something a memory source can emit: a typed event, or a frame (wrapped as a video-frame event). */
export type MemorySourceInput = RecallEvent | IncomingFrame | VideoFrame;

interface Reader {
  readonly subscriber: Subscriber<RecallEvent>;
  index: number;
}

/** Options of {@link createMemorySource}. */
export interface MemorySourceOptions {
  /**
   * `when-drained` (default): `events$` completes after the last event, like a replay.
   * `on-stop`: it stays open for {@link MemorySource.push} until `stop()`, like a live source.
   */
  readonly complete?: "when-drained" | "on-stop";
}

/** A lifecycle call on a memory source instance. */
export type MemorySourceCall = "create" | "start" | "pause" | "resume" | "stop";

const memoryOptions = z.strictObject({});

/** What {@link createMemorySource} returns. */
export interface MemorySource {
  /** A `memory` source definition; its instances emit the shared event list. */
  readonly definition: PluginDefinition<"source", typeof memoryOptions, Record<never, never>>;
  /** Lifecycle calls of every instance, in order. */
  readonly calls: MemorySourceCall[];
  readonly pauses: number;
  readonly resumes: number;
  /** True between a `pause()` and the next `resume()`. */
  readonly paused: boolean;
  /** Events emitted so far, over all subscriptions. */
  readonly emitted: number;
  /** Appends events; open subscriptions receive them unless paused. */
  push(...events: MemorySourceInput[]): void;
}

/** Wraps a frame as the event a parser would produce; a `seq` it carries is dropped (ingest assigns it). */
export function toVideoFrameEvent(frame: IncomingFrame | VideoFrame): VideoFrameEvent {
  // A frozen frame without a seq is exactly what a parser emits: wrapped as it is, without a copy
  // (benchmarks build thousands of these per pass, and the copy is no work of the runtime's).
  if (!("seq" in frame) && isFrozenFrame(frame)) {
    return { kind: "video-frame", event: "video_separate_png.data", frame };
  }
  const { seq: _seq, ...incoming } = frame as VideoFrame;
  return { kind: "video-frame", event: "video_separate_png.data", frame: freezeFrame({ ...incoming }) };
}

function isFrozenFrame(frame: IncomingFrame): boolean {
  return (
    Object.isFrozen(frame) &&
    Object.isFrozen(frame.participant) &&
    Object.isFrozen(frame.timestamp) &&
    Object.isFrozen(frame.image)
  );
}

function toEvent(input: MemorySourceInput): RecallEvent {
  return "kind" in input ? input : toVideoFrameEvent(input);
}

/**
 * A source that emits the given events from memory. It honours `pause()`/`resume()` (emission
 * stops while paused, even mid-list), so runtime tests can observe backpressure, and it records
 * every lifecycle call.
 */
export function createMemorySource(
  events: Iterable<MemorySourceInput> = [],
  options: MemorySourceOptions = {},
): MemorySource {
  const queue: RecallEvent[] = Array.from(events, toEvent);
  const calls: MemorySourceCall[] = [];
  const completeWhenDrained = (options.complete ?? "when-drained") === "when-drained";
  let pauses = 0;
  let resumes = 0;
  let paused = false;
  let emitted = 0;
  const readers = new Set<Reader>();

  const drain = (): void => {
    for (const reader of readers) {
      // A subscriber may call pause() from inside next(): re-check before every event.
      while (!paused && !reader.subscriber.closed && reader.index < queue.length) {
        const event = queue[reader.index];
        reader.index += 1;
        if (event) {
          emitted += 1;
          reader.subscriber.next(event);
        }
      }
      if (reader.index >= queue.length && completeWhenDrained) reader.subscriber.complete();
    }
  };

  const definition = defineSource({
    type: "memory",
    summary: "Emits a fixed list of Recall events from memory (tests only).",
    options: memoryOptions,
    create() {
      calls.push("create");
      const own = new Set<Reader>();
      const events$ = new Observable<RecallEvent>((subscriber) => {
        const reader: Reader = { subscriber, index: 0 };
        readers.add(reader);
        own.add(reader);
        drain();
        return () => {
          readers.delete(reader);
          own.delete(reader);
        };
      });
      return {
        events$,
        start() {
          calls.push("start");
        },
        pause() {
          calls.push("pause");
          pauses += 1;
          paused = true;
        },
        resume() {
          calls.push("resume");
          resumes += 1;
          paused = false;
          drain();
        },
        stop() {
          calls.push("stop");
          // Stopping ends input: nothing further is read, so events$ completes now.
          for (const reader of own) {
            reader.subscriber.complete();
          }
        },
      };
    },
  });

  return {
    definition,
    calls,
    get pauses() {
      return pauses;
    },
    get resumes() {
      return resumes;
    },
    get paused() {
      return paused;
    },
    get emitted() {
      return emitted;
    },
    push(...more) {
      queue.push(...more.map(toEvent));
      drain();
    },
  };
}
