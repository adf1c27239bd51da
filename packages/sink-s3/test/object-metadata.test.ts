import { createTestFrame } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import {
  decodeMetadataValue,
  encodeMetadataValue,
  frameMetadata,
  MAX_NAME_CHARACTERS,
} from "../src/object-metadata.js";

describe("encodeMetadataValue", () => {
  it("keeps printable ASCII as it is", () => {
    expect(encodeMetadataValue("Ada Lovelace")).toBe("Ada Lovelace");
    expect(encodeMetadataValue("rec_1-2/3")).toBe("rec_1-2/3");
  });

  it("encodes non-ASCII names as an RFC 2047 encoded word that decodes back", () => {
    for (const name of ["Zoë Ñúñez", "王小明", "Ada 👩‍💻", "Ωmega"]) {
      const encoded = encodeMetadataValue(name);
      expect(encoded).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(/^[\x20-\x7e]*$/.test(encoded)).toBe(true);
      expect(decodeMetadataValue(encoded)).toBe(name);
    }
    expect(encodeMetadataValue("Zoë")).toBe(`=?UTF-8?B?${Buffer.from("Zoë").toString("base64")}?=`);
  });

  it("encodes control characters, surrounding spaces and text that looks encoded", () => {
    for (const value of ["a\nb", "tab\there", "\u0000", " padded ", "=?UTF-8?B?abc?="]) {
      const encoded = encodeMetadataValue(value);
      expect(encoded).not.toBe(value);
      expect(decodeMetadataValue(encoded)).toBe(value);
    }
  });

  it("leaves plain values alone when decoding", () => {
    expect(decodeMetadataValue("Ada")).toBe("Ada");
    expect(decodeMetadataValue("=?UTF-8?Q?not-base64?=")).toBe("=?UTF-8?Q?not-base64?=");
  });
});

describe("frameMetadata", () => {
  it("describes the frame: recording, participant, type, seq, timestamps, image", () => {
    const frame = createTestFrame({
      recording: { id: "rec-9" },
      participant: { id: 42, name: "Zoë" },
      type: "screenshare",
      seq: 7,
      timestamp: { relative: 3.5, absolute: new Date("2026-11-24T10:15:00.123Z") },
    });
    expect(frameMetadata(frame, { team: "blue" })).toEqual({
      team: "blue",
      "recording-id": "rec-9",
      "participant-id": "42",
      "participant-name": encodeMetadataValue("Zoë"),
      type: "screenshare",
      seq: "7",
      "timestamp-relative": "3.5",
      "timestamp-absolute": "2026-11-24T10:15:00.123Z",
      width: String(frame.image.width),
      height: String(frame.image.height),
      format: "png",
    });
  });

  it("leaves the name out while the participant has none, and encodes extras", () => {
    const frame = createTestFrame({ participant: { name: null } });
    const metadata = frameMetadata(frame, { owner: "Jürgen" });
    expect(metadata).not.toHaveProperty("participant-name");
    expect(decodeMetadataValue(metadata.owner ?? "")).toBe("Jürgen");
  });

  it("cuts very long names (S3 allows 2 KB of metadata) at a character boundary", () => {
    const frame = createTestFrame({ participant: { name: "é".repeat(1000) } });
    const decoded = decodeMetadataValue(frameMetadata(frame, {})["participant-name"] ?? "");
    expect(decoded).toBe("é".repeat(MAX_NAME_CHARACTERS));
  });

  it("leaves out an invalid capture time instead of failing", () => {
    const frame = createTestFrame({ timestamp: { absolute: new Date(Number.NaN) } });
    expect(frameMetadata(frame, {})).not.toHaveProperty("timestamp-absolute");
  });
});
