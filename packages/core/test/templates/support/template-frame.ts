import type { Participant, ResourceRef, VideoFrame } from "../../../src/model/video-frame.js";
import { freezeFrame } from "../../../src/model/video-frame.js";

/** Overrides for {@link templateFrame}; nested records replace the defaults' fields. */
export interface TemplateFrameOverrides {
  readonly recording?: Partial<ResourceRef>;
  readonly bot?: Partial<ResourceRef> | null;
  readonly participant?: Partial<Participant>;
  readonly type?: VideoFrame["type"];
  readonly relative?: number;
  readonly absolute?: Date;
  readonly format?: string;
  readonly seq?: number;
}

/** A frame for template tests; the image bytes are never read by templates. */
export function templateFrame(overrides: TemplateFrameOverrides = {}): VideoFrame {
  const resource = (id: string, override?: Partial<ResourceRef>): ResourceRef => ({
    id: override?.id ?? id,
    metadata: override?.metadata ?? {},
  });
  return freezeFrame({
    recording: resource("rec-1", overrides.recording),
    bot: overrides.bot === null ? null : resource("bot-1", overrides.bot),
    realtimeEndpoint: resource("rt-1"),
    videoSeparate: resource("vs-1"),
    participant: {
      id: 7,
      name: "Ada Lovelace",
      isHost: false,
      platform: "desktop",
      email: null,
      extraData: {},
      ...overrides.participant,
    },
    type: overrides.type ?? "webcam",
    timestamp: {
      relative: overrides.relative ?? 12.3456,
      absolute: overrides.absolute ?? new Date(Date.UTC(2026, 10, 24, 10, 15, 0, 123)),
    },
    image: { data: Buffer.alloc(0), format: overrides.format ?? "png", width: 4, height: 4 },
    seq: overrides.seq ?? 42,
    receivedAt: 0,
  });
}
