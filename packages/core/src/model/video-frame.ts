/** The two video stream types Recall sends per participant. */
export type FrameType = "webcam" | "screenshare";

/** Image encodings framepipe knows by name; plugins may produce others. */
export type ImageFormat = "png" | "jpeg" | "webp" | "avif" | (string & {});

/** A Recall resource reference: `recording`, `bot`, `realtime_endpoint`, `video_separate`. */
export interface ResourceRef {
  readonly id: string;
  /** Recall metadata: string values of at most 500 characters. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** A meeting participant as Recall describes them. Ids are unique within a recording only. */
export interface Participant {
  readonly id: number;
  /** May be null or empty at first; filled later by `participant_events.update`. */
  readonly name: string | null;
  readonly isHost: boolean;
  /** `desktop`, `dial-in`, `unknown`, … or null when Recall omits it. */
  readonly platform: string | null;
  /** Only present with calendar integration. */
  readonly email: string | null;
  /** Platform-specific data, e.g. `{ zoom: { user_guid } }`. */
  readonly extraData: Readonly<Record<string, unknown>>;
}

/** An encoded image. Width and height come from the image header, never from a decode. */
export interface FrameImage {
  /** Encoded bytes. Never mutated in place: transforms produce new buffers. */
  readonly data: Buffer;
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/** When a frame was captured. */
export interface FrameTimestamp {
  /** Seconds since the recording started. */
  readonly relative: number;
  readonly absolute: Date;
}

/**
 * One video frame of one participant stream. Immutable: transforms return new frames (see
 * {@link withImage}), so fanning out to several sinks is safe.
 */
export interface VideoFrame {
  readonly recording: ResourceRef;
  readonly bot: ResourceRef | null;
  readonly realtimeEndpoint: ResourceRef;
  readonly videoSeparate: ResourceRef;
  readonly participant: Participant;
  readonly type: FrameType;
  readonly timestamp: FrameTimestamp;
  readonly image: FrameImage;
  /** Position in its stream (recording, participant, type), from 0, assigned at ingest. */
  readonly seq: number;
  /** Monotonic receive time in milliseconds (`performance.now()`), for latency metrics. */
  readonly receivedAt: number;
}

/**
 * A frame as a parser or source produces it, before ingest assigns its `seq`. A source that
 * relays frames numbered elsewhere (a worker consuming what an ingest node published, a replay)
 * may hand in the `seq` they already have: ingest keeps it, so a frame keeps one number across
 * processes and a redelivered frame is recognised by the sinks. Without it, ingest numbers the
 * stream from 0.
 */
export type IncomingFrame = Omit<VideoFrame, "seq"> & { readonly seq?: number };

/** Freezes a frame (shallowly, and its nested records) and returns it. */
export function freezeFrame<T extends IncomingFrame>(frame: T): T {
  Object.freeze(frame.participant);
  Object.freeze(frame.timestamp);
  Object.freeze(frame.image);
  return Object.freeze(frame);
}

/** Gives an incoming frame its stream position. */
export function withSeq(frame: IncomingFrame, seq: number): VideoFrame {
  return freezeFrame({ ...frame, seq });
}

/** Returns a copy of `frame` carrying a new image; every other field is kept. */
export function withImage(frame: VideoFrame, image: FrameImage): VideoFrame {
  return freezeFrame({ ...frame, image: { ...image } });
}

/** Returns a copy of `frame` with participant fields replaced (e.g. a late name). */
export function withParticipant(frame: VideoFrame, participant: Partial<Participant>): VideoFrame {
  return freezeFrame({ ...frame, participant: { ...frame.participant, ...participant } });
}
