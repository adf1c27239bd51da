import { createTestPng } from "../frame-factory.js";
import type { EnvelopeOptions } from "../recall-envelope.js";
import { recallEnvelope } from "../recall-envelope.js";
import { videoFrameMessage } from "../recall-messages.js";

/** The malformed messages a fake bot mixes in, in rotation; each is a distinct parse problem kind. */
export const badMessageKinds = ["invalid-json", "schema", "invalid-base64", "not-png", "truncated-png"] as const;

/** One of {@link badMessageKinds}. */
export type BadMessageKind = (typeof badMessageKinds)[number];

/** Where a bad message pretends to come from. */
export interface BadMessageContext extends EnvelopeOptions {
  readonly participantId: number;
  /** Seconds since the recording started. */
  readonly relative: number;
}

/** The `index`-th bad message: kinds rotate so a run with N ≥ 5 bad messages has every kind. */
export function badMessage(index: number, context: BadMessageContext): { kind: BadMessageKind; text: string } {
  const kind = badMessageKinds[index % badMessageKinds.length] as BadMessageKind;
  return { kind, text: badMessageText(kind, context) };
}

/** A message Recall's parser must refuse with `kind`. */
export function badMessageText(kind: BadMessageKind, context: BadMessageContext): string {
  const frame = (base64: string): string =>
    videoFrameMessage({
      ...context,
      participant: { id: context.participantId },
      timestamp: { relative: context.relative },
      base64,
    });
  switch (kind) {
    case "invalid-json":
      return `{"event":"video_separate_png.data","data":{"data":{"buffer":"iVBORw0KGgo`;
    case "schema":
      // A frame without participant.id: the one field a receiver cannot do without.
      return JSON.stringify(
        recallEnvelope(
          "video_separate_png.data",
          "video_separate",
          {
            buffer: createTestPng().toString("base64"),
            timestamp: { relative: context.relative, absolute: new Date().toISOString() },
            type: "webcam",
            participant: { name: "Nobody", is_host: false, platform: "desktop", extra_data: {} },
          },
          context,
        ),
      );
    case "invalid-base64":
      return frame("!!! this is not base64 !!!");
    case "not-png":
      return frame(Buffer.from("GIF89a, not a PNG at all").toString("base64"));
    case "truncated-png":
      return frame(createTestPng().subarray(0, 20).toString("base64"));
  }
}
