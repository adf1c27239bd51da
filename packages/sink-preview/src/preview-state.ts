import type { FrameType, GroupKey, StreamKey, VideoFrame } from "@framepipe/core";
import { groupKeyOfFrame, streamKeyOfFrame } from "@framepipe/core";

/** Where a tile is in its life: receiving frames, silent for `idleAfter`, or ended (leave, end of stream). */
export type TileStatus = "live" | "idle" | "left";

/** Settings of {@link PreviewState}, from the sink's options. */
export interface PreviewStateSettings {
  /** Most thumbnails started per second per stream. */
  readonly fps: number;
  /**
   * Most thumbnails started per second over all streams: with more live streams than this allows
   * at `fps`, each stream's interval grows to `live streams / maxThumbnailsPerSecond` seconds.
   */
  readonly maxThumbnailsPerSecond: number;
  /** Milliseconds without a frame before a live tile turns idle. */
  readonly idleAfter: number;
  /** Milliseconds a left or idle tile stays before it is removed. */
  readonly removeAfter: number;
  /** Most streams tracked at once. */
  readonly maxStreams: number;
}

/** One participant stream as the preview tracks it. */
export interface PreviewStream {
  /** Opaque id used in URLs (`s1`, `s2`, …): never derived from names or ids that come from outside. */
  readonly id: string;
  readonly key: StreamKey;
  readonly groupKey: GroupKey;
  readonly recordingId: string;
  readonly participantId: number;
  readonly type: FrameType;
  name: string | null;
  /** Frames the sink received for this stream. */
  frames: number;
  /** Frames that got no thumbnail because of the preview's throttle (rate, or one still being made). */
  skipped: number;
  /** Receive times (ms) of the recent frames, for frames/s. */
  readonly arrivals: number[];
  lastFrameAt: number;
  status: TileStatus;
  /** When the tile left (ms); for idle tiles the last frame's time counts. */
  leftAt: number;
  /** Bumped whenever a new thumbnail is stored; the page asks for `frame/<id>.jpg?v=<version>`. */
  thumbnailVersion: number;
  thumbnail: Buffer | null;
  thumbnailWidth: number;
  thumbnailHeight: number;
  encoding: boolean;
  lastEncodeAt: number;
}

/** What the page shows of a stream: sent as JSON in the event stream. */
export interface TileView {
  readonly id: string;
  readonly recordingId: string;
  readonly participantId: number;
  readonly name: string | null;
  readonly type: FrameType;
  readonly status: TileStatus;
  readonly frames: number;
  /** Frames per second received over the recent frames (up to 5 s). */
  readonly fps: number;
  readonly skipped: number;
  /** Milliseconds since the last frame when the view was made. */
  readonly ageMs: number;
  /** 0 until the first thumbnail. */
  readonly version: number;
  readonly width: number;
  readonly height: number;
}

/** What {@link PreviewState.frame} decided. */
export interface FrameDecision {
  readonly stream: PreviewStream;
  /** True: make a thumbnail of this frame now and hand it to {@link PreviewState.thumbnailDone}. */
  readonly encode: boolean;
}

const fpsWindowMs = 5000;
const maxArrivals = 64;
// Frames arrive with jitter: at fps equal to the sender's rate, one arriving slightly early must not be skipped.
const intervalTolerance = 0.8;

/**
 * The preview's model, free of I/O and clocks (every call takes `now`): streams keyed by stream
 * key, their counters, status and latest thumbnail, the per-stream throttle, and which tiles
 * changed since a listener last asked. Memory is bounded: `maxStreams` streams, each holding one
 * thumbnail and at most 64 arrival times.
 */
export class PreviewState {
  readonly #settings: PreviewStateSettings;
  readonly #streams = new Map<StreamKey, PreviewStream>();
  readonly #byId = new Map<string, PreviewStream>();
  #nextId = 1;
  /** Live streams, recounted by {@link sweep} and on each new stream: sets the shared interval. */
  #live = 0;
  /** Streams not shown because `maxStreams` were tracked already (counted once per frame). */
  hiddenFrames = 0;
  /** Told the id of every stream whose view changed. */
  onChange: (id: string) => void = () => {};
  /** Told the id of every stream removed. */
  onRemove: (id: string) => void = () => {};

  constructor(settings: PreviewStateSettings) {
    this.#settings = settings;
  }

  /** Streams tracked now. */
  get size(): number {
    return this.#streams.size;
  }

  /** A stream by its opaque id. */
  byId(id: string): PreviewStream | undefined {
    return this.#byId.get(id);
  }

  /** Every tracked stream, in order of first frame. */
  streams(): PreviewStream[] {
    return [...this.#streams.values()];
  }

  /**
   * Records a frame. `mayEncode` is false when nobody watches or the encoder is saturated: the
   * frame is counted but no thumbnail is asked for. `free`: the frame is its own thumbnail (a small
   * JPEG), so only `fps` limits it, not the shared `maxThumbnailsPerSecond` budget. Returns null
   * when the stream is over `maxStreams`.
   */
  frame(frame: VideoFrame, now: number, mayEncode: boolean, free = false): FrameDecision | null {
    const key = streamKeyOfFrame(frame);
    let stream = this.#streams.get(key);
    if (!stream) {
      if (this.#streams.size >= this.#settings.maxStreams) {
        this.hiddenFrames += 1;
        return null;
      }
      stream = {
        id: `s${this.#nextId++}`,
        key,
        groupKey: groupKeyOfFrame(frame),
        recordingId: frame.recording.id,
        participantId: frame.participant.id,
        type: frame.type,
        name: null,
        frames: 0,
        skipped: 0,
        arrivals: [],
        lastFrameAt: now,
        status: "live",
        leftAt: 0,
        thumbnailVersion: 0,
        thumbnail: null,
        thumbnailWidth: 0,
        thumbnailHeight: 0,
        encoding: false,
        lastEncodeAt: Number.NEGATIVE_INFINITY,
      };
      this.#streams.set(key, stream);
      this.#byId.set(stream.id, stream);
      this.#live += 1;
    }
    stream.name = frame.participant.name || stream.name;
    stream.frames += 1;
    stream.lastFrameAt = now;
    stream.status = "live";
    stream.arrivals.push(now);
    while (stream.arrivals.length > maxArrivals || (stream.arrivals[0] ?? now) < now - fpsWindowMs) {
      stream.arrivals.shift();
    }
    let encode = false;
    if (mayEncode) {
      const interval = (free ? 1000 / this.#settings.fps : this.thumbnailInterval()) * intervalTolerance;
      if (stream.encoding || now - stream.lastEncodeAt < interval) stream.skipped += 1;
      else {
        encode = true;
        stream.encoding = true;
        stream.lastEncodeAt = now;
      }
    }
    this.onChange(stream.id);
    return { stream, encode };
  }

  /** Stores a finished thumbnail (null: making it failed) and ends the stream's encode. */
  thumbnailDone(stream: PreviewStream, thumbnail: { data: Buffer; width: number; height: number } | null): void {
    stream.encoding = false;
    if (thumbnail === null || this.#byId.get(stream.id) !== stream) return;
    stream.thumbnail = thumbnail.data;
    stream.thumbnailWidth = thumbnail.width;
    stream.thumbnailHeight = thumbnail.height;
    stream.thumbnailVersion += 1;
    this.onChange(stream.id);
  }

  /** A stream ended (`endStream`): its tile turns "left". */
  endStream(key: StreamKey, now: number): void {
    const stream = this.#streams.get(key);
    if (stream) this.#leave(stream, now);
  }

  /** A participant group ended (`endGroup`: leave, idle, shutdown): both its tiles turn "left". */
  endGroup(groupKey: GroupKey, now: number): void {
    for (const stream of this.#streams.values()) {
      if (stream.groupKey === groupKey) this.#leave(stream, now);
    }
  }

  /**
   * Milliseconds between two thumbnails of one stream now: `1000 / fps`, or longer when the live
   * streams would together exceed `maxThumbnailsPerSecond`, so that every tile gets its turn.
   */
  thumbnailInterval(): number {
    return Math.max(1000 / this.#settings.fps, (1000 * this.#live) / this.#settings.maxThumbnailsPerSecond);
  }

  /** Turns silent tiles idle and removes those left or idle for `removeAfter`. Call about once a second. */
  sweep(now: number): void {
    for (const stream of [...this.#streams.values()]) {
      if (stream.status === "live" && now - stream.lastFrameAt >= this.#settings.idleAfter) {
        stream.status = "idle";
        this.onChange(stream.id);
      }
      const since = stream.status === "left" ? stream.leftAt : stream.lastFrameAt;
      if (stream.status !== "live" && now - since >= this.#settings.removeAfter) {
        this.#streams.delete(stream.key);
        this.#byId.delete(stream.id);
        this.onRemove(stream.id);
      }
    }
    this.#live = 0;
    for (const stream of this.#streams.values()) if (stream.status === "live") this.#live += 1;
  }

  /** The view of a stream at `now`. */
  view(stream: PreviewStream, now: number): TileView {
    const first = stream.arrivals[0] ?? now;
    const last = stream.arrivals.at(-1) ?? now;
    const fps =
      stream.arrivals.length >= 2 && last > first ? ((stream.arrivals.length - 1) * 1000) / (last - first) : 0;
    return {
      id: stream.id,
      recordingId: stream.recordingId,
      participantId: stream.participantId,
      name: stream.name,
      type: stream.type,
      status: stream.status,
      frames: stream.frames,
      fps: Math.round(fps * 10) / 10,
      skipped: stream.skipped,
      ageMs: Math.max(0, Math.round(now - stream.lastFrameAt)),
      version: stream.thumbnailVersion,
      width: stream.thumbnailWidth,
      height: stream.thumbnailHeight,
    };
  }

  #leave(stream: PreviewStream, now: number): void {
    if (stream.status === "left") return;
    stream.status = "left";
    stream.leftAt = now;
    this.onChange(stream.id);
  }
}
