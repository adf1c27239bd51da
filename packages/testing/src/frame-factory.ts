import {
  type FrameImage,
  type FrameTimestamp,
  type FrameType,
  freezeFrame,
  type Participant,
  type ResourceRef,
  type VideoFrame,
  withSeq,
} from "@framepipe/core";
import { hsl } from "./scene/raster.js";
import { participantHue } from "./scene/webcam-scene.js";
import { testIds, testRecordingStart } from "./test-ids.js";
import { encodePng, readPngSize } from "./tiny-png.js";

/** Options of {@link createTestPng}. */
export interface TestPngOptions {
  /** Default 32. */
  readonly width?: number;
  /** Default 24. */
  readonly height?: number;
  /** Picks the colour. Default 100. */
  readonly participantId?: number;
  /** Encoded in the first row of pixels, so every frame of a stream has different bytes. Default 0. */
  readonly seq?: number;
  /** RGBA instead of RGB. Default false. */
  readonly alpha?: boolean;
}

/**
 * A small valid PNG, encoded synchronously (no sharp): a flat colour per participant with the
 * `seq` written as pixels into the first row. Decodable by any PNG reader.
 */
export function createTestPng(options: TestPngOptions = {}): Buffer {
  const width = options.width ?? 32;
  const height = options.height ?? 24;
  const channels = options.alpha ? 4 : 3;
  const [red, green, blue] = hsl(participantHue(options.participantId ?? testIds.participantId), 0.6, 0.5);
  const data = new Uint8Array(width * height * channels);
  for (let offset = 0; offset < data.length; offset += channels) {
    data[offset] = red;
    data[offset + 1] = green;
    data[offset + 2] = blue;
    if (channels === 4) data[offset + 3] = 255;
  }
  const seq = options.seq ?? 0;
  for (let bit = 0; bit < Math.min(width, 32); bit += 1) {
    const offset = bit * channels;
    const value = Math.floor(seq / 2 ** bit) % 2 === 1 ? 255 : 0;
    data[offset] = value;
    data[offset + 1] = value;
    data[offset + 2] = value;
  }
  return encodePng({ width, height, channels, data });
}

/** Field overrides for {@link createTestFrame}; nested records are merged with the defaults. */
export interface TestFrameOverrides {
  readonly recording?: Partial<ResourceRef>;
  readonly bot?: Partial<ResourceRef> | null;
  readonly realtimeEndpoint?: Partial<ResourceRef>;
  readonly videoSeparate?: Partial<ResourceRef>;
  readonly participant?: Partial<Participant>;
  readonly type?: FrameType;
  /** `absolute` defaults to {@link testRecordingStart} + `relative`. */
  readonly timestamp?: Partial<FrameTimestamp>;
  /** Width and height default to the PNG header of `data` when it is a PNG. */
  readonly image?: Partial<FrameImage>;
  readonly seq?: number;
  readonly receivedAt?: number;
}

function resource(defaultId: string, override: Partial<ResourceRef> | undefined): ResourceRef {
  return Object.freeze({
    id: override?.id ?? defaultId,
    metadata: Object.freeze({ ...(override?.metadata ?? {}) }),
  });
}

function imageOf(override: Partial<FrameImage> | undefined, participantId: number, seq: number): FrameImage {
  const data = override?.data ?? createTestPng({ participantId, seq });
  const size = readPngSize(data);
  const width = override?.width ?? size?.width;
  const height = override?.height ?? size?.height;
  if (width === undefined || height === undefined) {
    throw new RangeError("[framepipe] createTestFrame: image data is not a PNG; give image.width and image.height");
  }
  return { data, format: override?.format ?? "png", width, height };
}

/**
 * A frozen {@link VideoFrame} with sensible defaults: recording and bot from {@link testIds},
 * participant 100 (`Participant 100`, desktop), webcam, seq 0, timestamps at 2 fps
 * (`relative = seq / 2`), and a small real PNG unique to (participant, seq).
 */
export function createTestFrame(overrides: TestFrameOverrides = {}): VideoFrame {
  const seq = overrides.seq ?? 0;
  const participantId = overrides.participant?.id ?? testIds.participantId;
  const participant: Participant = {
    id: participantId,
    name: `Participant ${participantId}`,
    isHost: false,
    platform: "desktop",
    email: null,
    extraData: {},
    ...overrides.participant,
  };
  const relative = overrides.timestamp?.relative ?? seq / 2;
  const absolute = overrides.timestamp?.absolute ?? new Date(testRecordingStart.getTime() + relative * 1000);
  const frame = freezeFrame({
    recording: resource(testIds.recording, overrides.recording),
    bot: overrides.bot === null ? null : resource(testIds.bot, overrides.bot),
    realtimeEndpoint: resource(testIds.realtimeEndpoint, overrides.realtimeEndpoint),
    videoSeparate: resource(testIds.videoSeparate, overrides.videoSeparate),
    participant,
    type: overrides.type ?? "webcam",
    timestamp: { relative, absolute },
    image: imageOf(overrides.image, participantId, seq),
    receivedAt: overrides.receivedAt ?? performance.now(),
  });
  return withSeq(frame, seq);
}

/** Options of {@link createTestStream}. */
export interface TestStreamOptions {
  /** A count (ids 100, 101, …) or explicit participants. Default 2. */
  readonly participants?: number | ReadonlyArray<Partial<Participant>>;
  /** Default `["webcam"]`. */
  readonly types?: readonly FrameType[];
  /** Frames per stream. Default 3. */
  readonly frames?: number;
  /** Overrides applied to every frame (participant, type and seq are set per frame). */
  readonly base?: Omit<TestFrameOverrides, "participant" | "type" | "seq">;
}

/**
 * Frames of several participants and stream types, interleaved in capture order (frame 0 of every
 * stream, then frame 1, …), with `seq` counted per stream from 0 as ingest would.
 */
export function createTestStream(options: TestStreamOptions = {}): VideoFrame[] {
  const participantsOption = options.participants ?? 2;
  const participants: ReadonlyArray<Partial<Participant>> =
    typeof participantsOption === "number"
      ? Array.from({ length: participantsOption }, (_, index) => ({ id: testIds.participantId + index }))
      : participantsOption;
  const types = options.types ?? ["webcam"];
  const frames: VideoFrame[] = [];
  for (let seq = 0; seq < (options.frames ?? 3); seq += 1) {
    participants.forEach((participant, index) => {
      const withId = { ...participant, id: participant.id ?? testIds.participantId + index };
      for (const type of types) frames.push(createTestFrame({ ...options.base, participant: withId, type, seq }));
    });
  }
  return frames;
}
