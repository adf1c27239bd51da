import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defaultMaxMessageBytes, parseRecallMessage, readPngHeader, recallSchemas } from "../../src/recall/index.js";
import { sampleParticipant, videoPngMessage } from "../support/recall-samples.js";

describe("recallSchemas", () => {
  it.each(Object.keys(recallSchemas.messages))("exports %s as JSON Schema", (name) => {
    const schema = recallSchemas.messages[name as keyof typeof recallSchemas.messages];
    const json = z.toJSONSchema(schema) as { type?: string; required?: string[] };
    expect(json.type).toBe("object");
    expect(json.required).toEqual(["event", "data"]);
  });

  it("validates a documented frame message as it is on the wire", () => {
    expect(recallSchemas.messages["video_separate_png.data"].safeParse(videoPngMessage()).success).toBe(true);
  });

  it("requires an integer participant id of zero or more, never a numeric string", () => {
    expect(recallSchemas.participant.safeParse(sampleParticipant({ id: 0 })).success).toBe(true);
    for (const id of ["100", -1, 2.5, null]) {
      expect(recallSchemas.participant.safeParse(sampleParticipant({ id })).success).toBe(false);
    }
  });

  it("accepts string, number, boolean and null metadata values, not objects", () => {
    expect(recallSchemas.metadata.safeParse({ a: "x", b: 1, c: true, d: null }).success).toBe(true);
    expect(recallSchemas.metadata.safeParse(undefined).success).toBe(true);
    expect(recallSchemas.metadata.safeParse({ a: { b: 1 } }).success).toBe(false);
  });
});

describe("recall public API", () => {
  it("exports the parser, the PNG header reader and the default size limit", () => {
    expect(defaultMaxMessageBytes).toBe(16 * 1024 * 1024);
    expect(typeof parseRecallMessage).toBe("function");
    expect(readPngHeader(Buffer.alloc(0))).toMatchObject({ ok: false, kind: "not-png" });
  });
});
