import type { FrameType } from "@framepipe/core";
import { renderFrame } from "./realistic-png.js";

/** Options of a {@link FrameLibrary}. */
export interface FrameLibraryOptions {
  /**
   * Distinct frames rendered per (participant, name, type) and then cycled. Default 8: four
   * seconds of motion at Recall's 2 fps before the images repeat.
   */
  readonly framesPerStream?: number;
  /** RGBA instead of RGB for every frame. Default false. */
  readonly alpha?: boolean;
  /** Frame size per type; defaults to Recall's 480×360 webcam and 1280×720 screenshare. */
  readonly sizes?: Partial<Record<FrameType, { readonly width: number; readonly height: number }>>;
}

/** Which frame to fetch from a {@link FrameLibrary}. */
export interface FrameRequest {
  readonly participantId: number;
  /** Drawn on the frame; part of the cache key. Defaults to `Participant <id>`. */
  readonly name?: string | null;
  readonly type: FrameType;
  /** The live frame counter; the library serves slot `counter % framesPerStream`. */
  readonly counter: number;
}

interface Slot {
  readonly png: Promise<Buffer>;
  base64?: string;
}

/**
 * Pre-rendered realistic frames, cycled. A simulator sending 16 participants × 2 streams × 2 fps
 * needs 64 frames a second; rendering and PNG-encoding a fresh 1280×720 screenshare costs about
 * 100 ms of CPU, so fresh frames would saturate a core and measure the simulator, not the code
 * under test. The library renders `framesPerStream` frames per stream once and serves them
 * round-robin.
 *
 * Trade-offs, to keep in mind when reading results:
 * - Images repeat every `framesPerStream` frames: a dedupe transform with a long memory sees
 *   repeats, and the counter drawn on the image is the slot number, not the live counter (the
 *   envelope's timestamp and the frame's `seq` carry the real order).
 * - Memory: about 360 KB per webcam slot and 700 KB per screenshare slot (RGB), e.g. 8 slots ×
 *   16 participants × both types ≈ 135 MB, plus the base64 strings if {@link FrameLibrary.base64}
 *   is used (4/3 of that again).
 * - The first request for a slot pays the render; call {@link FrameLibrary.prepare} before a
 *   benchmark so rendering does not land inside the measured window.
 */
export class FrameLibrary {
  readonly framesPerStream: number;
  readonly #alpha: boolean;
  readonly #sizes: FrameLibraryOptions["sizes"];
  readonly #slots = new Map<string, Slot>();

  constructor(options: FrameLibraryOptions = {}) {
    const framesPerStream = options.framesPerStream ?? 8;
    if (!Number.isInteger(framesPerStream) || framesPerStream < 1) {
      throw new RangeError(
        `[framepipe] FrameLibrary framesPerStream must be a positive integer, got ${framesPerStream}`,
      );
    }
    this.framesPerStream = framesPerStream;
    this.#alpha = options.alpha ?? false;
    this.#sizes = options.sizes;
  }

  /** Number of slots rendered or being rendered. */
  get size(): number {
    return this.#slots.size;
  }

  #slot(request: FrameRequest): Slot {
    const index = ((request.counter % this.framesPerStream) + this.framesPerStream) % this.framesPerStream;
    const name = request.name === undefined ? `Participant ${request.participantId}` : request.name;
    const key = JSON.stringify([request.participantId, name, request.type, index]);
    let slot = this.#slots.get(key);
    if (!slot) {
      const size = this.#sizes?.[request.type];
      const png = renderFrame({
        participantId: request.participantId,
        name,
        type: request.type,
        counter: index,
        alpha: this.#alpha,
        ...(size ? { width: size.width, height: size.height } : {}),
      });
      slot = { png };
      this.#slots.set(key, slot);
      // A failed render must not stay cached: the next request retries it.
      png.catch(() => this.#slots.delete(key));
    }
    return slot;
  }

  /** The PNG for a request, rendered on first use. Callers must not mutate the buffer: it is shared. */
  png(request: FrameRequest): Promise<Buffer> {
    return this.#slot(request).png;
  }

  /** The PNG as base64, encoded once per slot: what a Recall message carries in `buffer`. */
  async base64(request: FrameRequest): Promise<string> {
    const slot = this.#slot(request);
    const png = await slot.png;
    slot.base64 ??= png.toString("base64");
    return slot.base64;
  }

  /**
   * Renders every slot of the given participants and types ahead of time, a few at a time so
   * sharp can use both cores without flooding its thread pool.
   */
  async prepare(
    participants: ReadonlyArray<{ readonly participantId: number; readonly name?: string | null }>,
    types: readonly FrameType[] = ["webcam", "screenshare"],
    concurrency = 4,
  ): Promise<void> {
    const requests: FrameRequest[] = [];
    for (const participant of participants) {
      for (const type of types) {
        for (let counter = 0; counter < this.framesPerStream; counter += 1) {
          requests.push({ ...participant, type, counter });
        }
      }
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const request = requests[next];
        next += 1;
        if (request) await this.png(request);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  }

  /** Drops every cached frame. */
  clear(): void {
    this.#slots.clear();
  }
}
